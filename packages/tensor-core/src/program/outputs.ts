import type { DataId } from "../backend.js";
import { engine } from "../engine.js";
import { callKernel, requireDType } from "../ops/op.js";
import { makeTensor, type Tensor } from "../tensor.js";
import { resultProgram, type MultiOutputProgram } from "./ir.js";
import { programCall, runProgram, type ProgramOptions } from "./run.js";

/**
 * Runs a program with several results over `inputs` and returns one tensor per result, in order: one kernel
 * on a backend with the `elementwiseMulti` capability, each result as a program of its own elsewhere (and
 * while autograd traces, so the tape sees the tensor ops). Each output equals what `runProgram` gives for
 * that result alone, so a backend may implement the capability or not without changing any value.
 *
 * ```ts
 * const p = new ProgramBuilder("moments", ["float32"]);
 * const g = p.input(0);
 * const [m, v] = runOutputs("moments", p.buildOutputs([p.binary("mul", g, 0.1), p.binary("mul", p.binary("mul", g, g), 0.001)]), [tensor([1, 2])]);
 * ```
 */
export function runOutputs(op: string, program: MultiOutputProgram, inputs: readonly Tensor[], options: ProgramOptions = {}): Tensor[] {
  const { argument, backend, shape } = programCall(op, inputs, options);
  if (engine.recorder !== null || backend.elementwiseMulti === undefined) return program.results.map((_, i) => runProgram(op, resultProgram(program, i), inputs, options));
  for (const node of program.nodes) requireDType({ op }, backend, node.dtype);
  const outs = program.results.map((r) => ({ shape, dtype: program.nodes[r]!.dtype }));
  const infos = inputs.map((t, i) => t.info(op, argument(i)));
  let data: readonly DataId[] = [];
  const first = () => {
    data = backend.elementwiseMulti!(program, infos, outs);
    return data[0]!;
  };
  callKernel(backend, op, outs[0]!, first, infos, outs.length);
  return data.map((d, i) => makeTensor(backend, d, shape, outs[i]!.dtype));
}
