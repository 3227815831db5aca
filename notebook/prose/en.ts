import type { Prose } from './types';

/** English prose, following the order of the original German tutorial (see de.ts). */
export const en: Prose = {
  title: 'Recognising handwritten digits on an analog neuromorphic chip',
  subtitle: 'A reactive notebook after the BrainScaleS-2 tutorial “Maschinelles Lernen”. Change any value and everything that depends on it updates.',
  otherLanguage: 'Deutsch',
  pendingCell: 'This part is not in this build yet.',
  urlProblems: 'Some values in the address were not applied:',
  teachers: { label: 'For teachers', href: 'teachers.html' },
  emulatedBadge: 'emulated chip: no real hardware is attached',
  sections: {
    intro: {
      heading: '1 · Machine learning',
      lead: [
        'Machine learning means gaining new knowledge from existing data without a human spelling it out, and generalising it: the patterns found should also hold for examples the machine has never seen.',
        'A few places where that is useful: reading handwriting, translating text, recommendations on Spotify or YouTube, recognising activities, filtering ads, your social-media timeline … Can you think of more?',
        '<strong>What is a neural network?</strong> The networks used in machine learning are built from several layers of neurons that can be connected more or less strongly. The strengths of these connections, the <em>weights</em>, hold the “knowledge”; training adjusts them automatically.',
        '<strong>How many neurons and weights are needed?</strong> Choosing a suitable model is not easy. If it is too small, with too few neurons and weights, it cannot represent what it has to learn. If it is too big, that is bad too: it recognises most of the examples it learned from, but fails on new ones. It does not generalise; it has learned the examples by heart without grasping what they have in common.',
      ],
    },
    environment: {
      heading: '2 · Preparing the environment',
      lead: [
        'The original tutorial opens a session on a BrainScaleS-2 chip, loads the nightly calibration and measures the chip’s mock parameters: the gain and noise that let a software model (the <em>mock</em>) behave like the chip.',
        'Here the hardware is an <strong>emulated chip</strong>: a software model of one analog core, with the imperfections a real chip has (mismatched synapses, neuron offsets, saturation, readout noise). Nothing on this page talks to real hardware. You can pick another emulated chip, run it uncalibrated, and measure its mock parameters as the tutorial does.',
      ],
    },
    data: {
      heading: '3 · The data: handwritten digits',
      lead: [
        'A popular example of machine learning: in a mail centre the postcodes on letters have to be read automatically so that the letters are loaded into the right vans. To learn that, many pictures of digits were collected and each was labelled with the right digit: the MNIST collection, 60 000 images to train with and 10 000 to test how well the network generalises.',
        'As in the tutorial, every pixel is rounded to black or white. Here are some random images from the set:',
      ],
      after: [
        'During training each image is first cut out at a random place and size and scaled back to 28 × 28 pixels (<code>RandomResizedCrop</code>), so the network never sees exactly the same picture twice.',
      ],
    },
    model: {
      heading: '4 · The model',
      lead: [
        'To recognise these images we need a description of a neural network. Every pixel of the 28 × 28 image is connected to every hidden neuron; the hidden neurons are connected to the next layer and finally to one of the 10 possible outputs, one per digit. (The tutorial’s text speaks of one hidden layer; its code has two.)',
        'On the chip, inputs are 5-bit numbers (0…31), weights 6-bit (−63…63) and outputs 8-bit (−128…127). Between layers a <em>ConvertingReLU</em> shifts the 8-bit outputs right to make the next 5-bit inputs.',
      ],
    },
    untrained: {
      heading: '5 · The untrained model',
      lead: [
        'This model is still “dumb”: it cannot recognise the digits yet. Try it: draw a digit in the white area (with mouse, finger, or the arrow keys and Space), or let a button paste one from the test set. The result lists the digit the model finds most likely on top, the less likely ones below. Expect a muddle; nothing has been trained yet!',
      ],
    },
    training: {
      heading: '6 · Training the model',
      lead: [
        'Training shows the network one training example after another and adjusts the weights, the connections between the neurons, a little each time. Testing then tries to recognise the test examples, which were not used for training, and compares the result with the right digits.',
        'Training runs in <em>epochs</em>: the same examples are shown again and again, and the network should get better each time. Change a value and the training starts again.',
      ],
    },
    trained: {
      heading: '7 · The trained model',
      lead: [
        'Now the network should recognise drawn digits too:',
      ],
      after: [
        'You will notice that some digits are recognised more easily than others. Why could that be? The confusion matrix shows which digits get mixed up; click a cell to see those images.',
        'Is half a digit enough? Draw only the top half of a 7 or the left half of a 0 and watch the result.',
      ],
    },
    presets: {
      heading: 'Two models: the tutorial’s and a recommended one',
      lead: [
        'The tutorial’s model reaches only about 84 % on the test images, and the chip can do better: with a convolution in front of two dense layers it reached 98 % (Weis et al. 2020). Where do the missing points go?',
        '<strong>The crops.</strong> During training the tutorial cuts every image with <code>RandomResizedCrop</code> at torchvision’s defaults: a random piece with 8 % to 100 % of the area, stretched back to 28 × 28 pixels. A piece with 8 % of the area is less than a third of the width and height: often a single stroke, blown up and binarised again. The network spends much of its training on pictures no one would call a digit, and then it is tested on whole, centred digits it has seen far less of. Switch the augmentation to <em>none</em> and the same network gains about 8 points in 2 epochs.',
        '<strong>What the recommended settings change.</strong> Every rule of the chip stays: 5-bit inputs, 6-bit weights, 8-bit outputs, the same noise (σ = 2) and gain (0.002). What changes is the network and its training: a <em>convolution</em> in front (the same analog multiply-accumulate applied to every small patch of the image, as hxtorch’s <code>Conv2d</code> does), which sees a stroke wherever it is; no crops; smaller batches (50 images) and a learning rate that falls to zero towards the end (cosine), so the last epochs settle the weights; 10 epochs. Choose a preset below: it sets those controls (you can change them afterwards, and the page then says so).',
      ],
      after: [
        'Both models were trained when this site was built, so the pad above answers at once with either. Which digits does the recommended model still confuse? Draw them.',
      ],
    },
    capacity: {
      heading: 'Too small, too big',
      lead: [
        'Back to the question from the start: how many neurons are needed? Change the number of hidden neurons, the number of training images or the share of wrong labels, and compare the accuracy on the training images with the accuracy on the test images.',
      ],
    },
    history: {
      heading: 'Your runs',
      lead: ['Every finished training run, so you can compare settings.'],
    },
  },
};
