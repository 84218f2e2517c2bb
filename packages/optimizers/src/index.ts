/**
 * @neurite/optimizers — the course notes' gradient-descent family. Every optimizer shares one `Optimizer`
 * base (pairing, clipping, weight decay, parameter groups, state) and adds only its update rule.
 */
export { adadelta, Adadelta, type AdadeltaOptions } from "./adadelta.js";
export { adagrad, Adagrad, type AdagradOptions } from "./adagrad.js";
export { adam, Adam, adamW, AdamW, type AdamOptions } from "./adam.js";
export { clipByGlobalNorm, clipByValue } from "./clipping.js";
export { Optimizer, type Hyper, type OptimizerOptions, type OptimizerState, type ParamGroup, type Slots, type StepOptions, type Update } from "./optimizer.js";
export { decayedGradient, gradientInputs, ProgramCache, updateOutputs, updateProgram, type CachedBody, type Skip, type SkipAll, type Values } from "./program.js";
export { rmsprop, Rmsprop, type RmspropOptions } from "./rmsprop.js";
export { cosineDecay, exponentialDecay, ReduceOnPlateau, stepDecay, type ReduceOnPlateauOptions, type Schedule } from "./schedules.js";
export { sgd, Sgd, type SgdOptions } from "./sgd.js";
