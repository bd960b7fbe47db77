export {
  loadMnistClassifier,
  type LoadMnistClassifierOptions,
  mnistClassifierFolder,
} from './load-mnist-classifier.js';
