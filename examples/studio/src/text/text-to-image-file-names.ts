/** The files of a `ganforge train text2img` run folder that sampling needs (names as the CLI writes them). */
export const checkpointFileName = 'latest.gfckpt';
export const textEncoderFileName = 'text-encoder.json';
