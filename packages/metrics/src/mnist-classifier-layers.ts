/**
 * Layer names of the committed MNIST / Fashion-MNIST classifiers (`loadMnistClassifier` in
 * `@ganforge/metrics/node`): `features` is the 64-unit penultimate dense layer, whose output before
 * its ReLU is the FID/KID feature vector; `probabilities` is the 10-way softmax (Inception Score).
 */
export const mnistClassifierLayers = { features: 'features', probabilities: 'probabilities' } as const;
