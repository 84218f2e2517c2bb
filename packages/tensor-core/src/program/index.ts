export { ProgramBuilder, type Expr, type ExprLike } from "./builder.js";
export { fuse } from "./fuse.js";
export { constantsOf, operandsOf, programKey, type ElementwiseProgram, type ProgramNode } from "./ir.js";
export { expand, runProgram, type ProgramOptions } from "./run.js";
