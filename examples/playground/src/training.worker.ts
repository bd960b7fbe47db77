import { exposeTrainingWorker } from '@ganforge/backend-browser';

exposeTrainingWorker();
