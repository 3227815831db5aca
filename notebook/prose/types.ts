/**
 * The page's prose, one object per language. Paragraphs are trusted, authored HTML (only <em>, <strong>,
 * <code>, <a href="#…">); nothing from the URL or the reader ever goes in here.
 */
export const PAGE_SECTIONS = ['intro', 'environment', 'data', 'model', 'untrained', 'training', 'trained', 'presets', 'capacity', 'history'] as const;
export type PageSection = (typeof PAGE_SECTIONS)[number];

export interface SectionProse {
  heading: string;
  /** Paragraphs before the section's cells. */
  lead: string[];
  /** Paragraphs after the section's cells (questions, remarks). */
  after?: string[];
}

export interface Prose {
  title: string;
  subtitle: string;
  /** Label of the link that switches to the other language. */
  otherLanguage: string;
  /** Shown in a cell placeholder whose cell is not part of this build yet. */
  pendingCell: string;
  /** Shown when the URL held values that were not applied. */
  urlProblems: string;
  emulatedBadge: string;
  /** Link to the short page for teachers (hiding sections, presets, what to say when a result surprises). */
  teachers: { label: string; href: string };
  sections: Record<PageSection, SectionProse>;
}
