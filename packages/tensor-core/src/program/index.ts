export { ProgramBuilder, type Expr, type ExprLike } from "./builder.js";
export { fuse } from "./fuse.js";
export { constantsOf, mapOperands, operandsOf, programKey, resultProgram, type ElementwiseProgram, type MultiOutputProgram, type ProgramNode } from "./ir.js";
export { runOutputs } from "./outputs.js";
export { expand, runProgram, type ProgramOptions } from "./run.js";
