import type { Prose } from './types';

/** German prose: the original tutorial's wording, adapted where the page differs (emulated chip, controls). */
export const de: Prose = {
  title: 'Handgeschriebene Ziffern auf einem analogen neuromorphen Chip erkennen',
  subtitle: 'Ein reaktives Notebook nach dem BrainScaleS-2-Tutorial „Maschinelles Lernen“. Ändere einen Wert, und alles, was davon abhängt, rechnet neu.',
  otherLanguage: 'English',
  pendingCell: 'Dieser Teil ist in diesem Build noch nicht enthalten.',
  urlProblems: 'Einige Werte aus der Adresse wurden nicht übernommen:',
  teachers: { label: 'Für Lehrkräfte', href: 'lehrkraefte.html' },
  emulatedBadge: 'emulierter Chip: es ist keine echte Hardware angeschlossen',
  sections: {
    intro: {
      heading: '1 · Maschinelles Lernen',
      lead: [
        'Maschinelles Lernen bedeutet, dass ohne menschliches Zutun neues Wissen aus bestehenden Daten erhalten und dieses verallgemeinert wird. Dadurch sollen Zusammenhänge und Muster erkannt werden, die auch auf unbekannte Beispieldaten anwendbar sind.',
        'Ein paar Beispiele, wo maschinelles Lernen sehr praktisch sein kann: Schrifterkennung, Texte übersetzen, Spotify- und YouTube-Vorschläge, Aktivitätserkennung, Werbung filtern, die Facebook-Timeline … Fällt dir noch mehr ein?',
        '<strong>Was ist ein neuronales Netz?</strong> Herkömmliche neuronale Netze, wie sie beim maschinellen Lernen verwendet werden, sind aus mehreren Lagen aus Neuronen aufgebaut, welche unterschiedlich stark verbunden sein können. Die Stärke dieser Verbindungen, die <em>Gewichte</em>, enthalten das „Wissen“ und werden beim Trainieren automatisch angepasst.',
        '<strong>Wie viele Neuronen und Gewichte sind nötig?</strong> Die Wahl eines geeigneten Modells ist gar nicht so einfach. Ist das Modell zu klein, also enthält es zu wenig Neuronen und Gewichte, dann kann es die zu lernenden Zusammenhänge nicht richtig abbilden. Ist es aber zu komplex, also enthält es zu viele Neuronen, so ist dies ebenfalls schlecht. Es können dann zwar die meisten Beispiele, die zum Lernen verwendet wurden, richtig erkannt werden, bei Unbekanntem scheitert das Modell aber. Man sagt, dass solch ein Modell nicht genug verallgemeinern kann. Es hat zwar alle Beispiele auswendig gelernt, kann aber die zu Grunde liegenden Zusammenhänge nicht verstehen.',
      ],
    },
    environment: {
      heading: '2 · Umgebung vorbereiten',
      lead: [
        'Im Original wird zuerst eine Sitzung auf einem BrainScaleS-2-Chip geöffnet, die nächtliche Kalibrierung geladen und die Mock-Parameter des Chips gemessen: Verstärkung und Rauschen, mit denen ein Software-Modell (der <em>Mock</em>) sich wie der Chip verhält.',
        'Hier ist die Hardware ein <strong>emulierter Chip</strong>: ein Software-Modell eines analogen Kerns mit den Ungenauigkeiten eines echten Chips (ungleiche Synapsen, Versätze der Neuronen, Sättigung, Rauschen beim Auslesen). Nichts auf dieser Seite spricht mit echter Hardware. Du kannst einen anderen emulierten Chip wählen, ihn unkalibriert betreiben und seine Mock-Parameter messen, wie im Tutorial.',
      ],
    },
    data: {
      heading: '3 · Die Daten: handgeschriebene Ziffern',
      lead: [
        'Dies ist ein sehr beliebtes Beispiel für den Einsatz von maschinellem Lernen: In einem Briefzentrum sollen die Postleitzahlen der Briefe in der Sortieranlage automatisch gelesen werden, damit die Briefe in die richtigen Fahrzeuge verladen werden können. Um dieses Problem zu lösen, wurden viele verschiedene Bilder gesammelt und jeweils der richtigen Ziffer zugeordnet: die MNIST-Sammlung, 60 000 Bilder zum Trainieren und 10 000, mit denen nachher überprüft wird, wie gut das Netzwerk verallgemeinern kann.',
        'Wie im Tutorial wird jeder Bildpunkt auf Schwarz oder Weiß gerundet. Nun stellen wir einige zufällige Bilder aus dem Set dar:',
      ],
      after: [
        'Beim Trainieren wird jedes Bild zuerst an zufälliger Stelle und in zufälliger Größe ausgeschnitten und wieder auf 28 × 28 Bildpunkte skaliert (<code>RandomResizedCrop</code>), so dass das Netzwerk nie genau dasselbe Bild zweimal sieht.',
      ],
    },
    model: {
      heading: '4 · Das Modell',
      lead: [
        'Um diese Bilder jetzt auch automatisch richtig zu erkennen, wird zunächst eine Beschreibung eines neuronalen Netzwerks benötigt. Jeder Bildpunkt des 28 × 28 großen Bildes wird mit jedem versteckten Neuron verbunden; die versteckten Neuronen mit der nächsten Lage und schließlich mit einem der 10 möglichen Ausgänge, einem pro Ziffer. (Der Text des Tutorials spricht von einer versteckten Lage, sein Code hat zwei.)',
        'Auf dem Chip sind Eingaben 5-Bit-Zahlen (0…31), Gewichte 6 Bit (−63…63) und Ausgaben 8 Bit (−128…127). Zwischen den Lagen schiebt eine <em>ConvertingReLU</em> die 8-Bit-Ausgaben nach rechts, um die nächsten 5-Bit-Eingaben zu erhalten.',
      ],
    },
    untrained: {
      heading: '5 · Das untrainierte Modell',
      lead: [
        'Dieses Modell ist aber noch „dumm“, d. h. es kann die Zahlen noch nicht richtig erkennen. Das können wir direkt mal ausprobieren: Im weißen Feld kannst du selbst malen (mit Maus, Finger oder den Pfeiltasten und der Leertaste) oder mit den Knöpfen eine Testziffer einfügen. Unter „Ergebnis“ sollte dann ganz oben die wahrscheinlich richtige Ziffer erscheinen, darunter kommen die Ziffern, die das Modell als etwas weniger wahrscheinlich vorschlägt. Da herrscht jetzt vermutlich noch ein ziemliches Durcheinander, aber es wurde ja auch noch nicht trainiert!',
      ],
    },
    training: {
      heading: '6 · Training des Modells',
      lead: [
        'In diesem Teil soll nun ein Modell so trainiert werden, dass es möglichst gut handgeschriebene Ziffern erkennen kann. Das Training zeigt dem Netzwerk nacheinander jedes Trainingsbeispiel und passt dabei die Gewichte, die Verbindungen zwischen den Neuronen, an. Der Test prüft, wie gut das Netzwerk verallgemeinern kann: Dafür wird versucht, die Testbeispiele (die nicht zum Trainieren verwendet wurden) zuzuordnen, und das Ergebnis mit den richtigen Ziffern verglichen.',
        'Trainiert wird in sogenannten <em>Epochen</em>, das heißt, es werden die gleichen Beispiele immer wieder gezeigt. Dabei sollte das Netzwerk immer besser werden. Ändere einen Wert, und das Training beginnt von vorn.',
      ],
    },
    trained: {
      heading: '7 · Das trainierte Modell',
      lead: ['Jetzt sollte das Netzwerk die gemalten Ziffern auch erkennen können:'],
      after: [
        'Du wirst feststellen, dass manche Ziffern einfacher erkannt werden als andere. Woran könnte das liegen? Die Verwechslungsmatrix zeigt, welche Ziffern verwechselt werden; ein Klick auf einen Fehler zeigt die Bilder.',
        'Reicht es auch, nur eine halbe Ziffer zu malen? Male nur die obere Hälfte einer 7 oder die linke Hälfte einer 0 und schau auf das Ergebnis.',
      ],
    },
    presets: {
      heading: 'Zwei Modelle: das des Tutorials und ein empfohlenes',
      lead: [
        'Das Modell des Tutorials erkennt nur etwa 84 % der Testbilder, und der Chip kann mehr: Mit einer Faltung vor zwei dichten Lagen kam er auf 98 % (Weis et al. 2020). Wo bleiben die fehlenden Punkte?',
        '<strong>Die Ausschnitte.</strong> Beim Training schneidet das Tutorial jedes Bild mit <code>RandomResizedCrop</code> in den Voreinstellungen von torchvision zu: ein zufälliges Stück mit 8 % bis 100 % der Fläche, wieder auf 28 × 28 Pixel gestreckt. Ein Stück mit 8 % der Fläche ist nicht einmal ein Drittel so breit und hoch wie das Bild: oft nur ein einzelner Strich, vergrößert und wieder auf Schwarz und Weiß gerundet. Das Netz verbringt einen großen Teil des Trainings mit Bildern, die niemand eine Ziffer nennen würde, und wird dann an ganzen, zentrierten Ziffern getestet, die es viel seltener gesehen hat. Stell die Augmentierung auf <em>keine</em>, und dasselbe Netz gewinnt in 2 Epochen etwa 8 Punkte.',
        '<strong>Was die empfohlenen Einstellungen ändern.</strong> Alle Regeln des Chips bleiben: 5-Bit-Eingaben, 6-Bit-Gewichte, 8-Bit-Ausgaben, dasselbe Rauschen (σ = 2) und dieselbe Verstärkung (0,002). Anders sind das Netz und sein Training: vorne eine <em>Faltung</em> (dieselbe analoge Multiplikation mit Aufsummieren, angewandt auf jeden kleinen Ausschnitt des Bildes, wie bei <code>Conv2d</code> in hxtorch), die einen Strich erkennt, wo auch immer er liegt; keine Ausschnitte beim Training; kleinere Batches (50 Bilder) und eine Lernrate, die zum Ende hin auf null fällt (cosine), damit sich die Gewichte in den letzten Epochen setzen; 10 Epochen. Wähle unten eine Voreinstellung: Sie setzt diese Regler (du kannst sie danach ändern, und die Seite sagt es dir dann).',
      ],
      after: [
        'Beide Modelle wurden beim Bauen dieser Seite trainiert, daher antwortet das Feld oben sofort mit jedem von beiden. Welche Ziffern verwechselt das empfohlene Modell noch? Mal sie.',
      ],
    },
    capacity: {
      heading: 'Zu klein, zu groß',
      lead: [
        'Zurück zur Frage vom Anfang: Wie viele Neuronen sind nötig? Ändere die Zahl der versteckten Neuronen, die Zahl der Trainingsbilder oder den Anteil falscher Beschriftungen und vergleiche die Genauigkeit auf den Trainingsbildern mit der auf den Testbildern.',
      ],
    },
    history: {
      heading: 'Deine Durchläufe',
      lead: ['Jeder abgeschlossene Trainingslauf, damit du Einstellungen vergleichen kannst.'],
    },
  },
};
