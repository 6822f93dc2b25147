/** @orders-pipeline/shared/powertools: The process's one Logger and one Metrics (see ../powertools). */
export * from '../powertools';
