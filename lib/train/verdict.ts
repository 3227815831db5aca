/**
 * Did a finished run learn? Ten digits make 10 % the accuracy of guessing; a run that ends near it has
 * learned nothing, however smooth its loss looks (lr = 10 ends with a small loss and 9.8 % accuracy).
 * The likely cause is read off the settings, most common first.
 */

/** Accuracy of guessing among ten digits. */
export const CHANCE_ACCURACY = 0.1;
/** Below this final test accuracy a run counts as "not learning" (chance plus a margin for noise). */
const NOT_LEARNING_BELOW = 0.2;

export type NotLearningCause = 'lrTooHigh' | 'lrTooLow' | 'labelNoise' | 'tooFewImages' | 'tooFewNeurons' | 'tooShort' | 'unknown';

export interface VerdictSettings { lr: number; labelNoise: number; trainSize: number; hidden: number; epochs?: number; batchSize?: number }

/** Fewer weight updates than this in the whole run: too short to learn much (the tutorial's run makes 1 200). */
const TOO_FEW_STEPS = 100;

export interface LearningVerdict {
  learning: boolean;
  /** Set when `learning` is false. */
  cause?: NotLearningCause;
}

export function learningVerdict(testAccuracy: number, settings: VerdictSettings): LearningVerdict {
  if (!(testAccuracy >= 0 && testAccuracy <= 1)) throw new RangeError(`testAccuracy must be a number from 0 to 1, got ${testAccuracy}`);
  if (testAccuracy >= NOT_LEARNING_BELOW) return { learning: true };
  const { lr, labelNoise, trainSize, hidden, epochs, batchSize } = settings;
  const steps = epochs && batchSize ? Math.ceil(Math.min(trainSize, 60000) / batchSize) * epochs : Infinity;
  const cause: NotLearningCause = lr >= 2 ? 'lrTooHigh' : lr <= 0.001 ? 'lrTooLow' : labelNoise >= 0.8 ? 'labelNoise'
    : trainSize <= 50 ? 'tooFewImages' : hidden <= 2 ? 'tooFewNeurons' : steps < TOO_FEW_STEPS ? 'tooShort' : 'unknown';
  return { learning: false, cause };
}

/** The cause in words, with what to try (both languages). */
export const CAUSE_TEXT: Record<NotLearningCause, { en: string; de: string }> = {
  lrTooHigh: { en: 'the learning rate is too big: every step overshoots. Try 0.25.', de: 'die Lernrate ist zu groß: jeder Schritt schießt übers Ziel hinaus. Versuche 0,25.' },
  lrTooLow: { en: 'the learning rate is so small that the weights barely move. Try 0.25.', de: 'die Lernrate ist so klein, dass sich die Gewichte kaum bewegen. Versuche 0,25.' },
  labelNoise: { en: 'most training labels are wrong, so there is nothing to learn. Lower the share of wrong labels.', de: 'die meisten Trainingsbeschriftungen sind falsch, also gibt es nichts zu lernen. Verringere den Anteil falscher Beschriftungen.' },
  tooFewImages: { en: 'there are too few training images. Use more.', de: 'es gibt zu wenige Trainingsbilder. Nimm mehr.' },
  tooFewNeurons: { en: 'there are too few hidden neurons. Use more.', de: 'es gibt zu wenige versteckte Neuronen. Nimm mehr.' },
  tooShort: { en: 'the run was too short: the weights were changed fewer than 100 times. Use more epochs, more training images or smaller batches.', de: 'das Training war zu kurz: die Gewichte wurden weniger als 100-mal angepasst. Nimm mehr Epochen, mehr Trainingsbilder oder kleinere Stapel.' },
  unknown: { en: 'unclear from the settings. Go back to the tutorial’s settings and change one value at a time.', de: 'aus den Einstellungen nicht ersichtlich. Geh zurück zu den Einstellungen des Tutorials und ändere immer nur einen Wert.' },
};
