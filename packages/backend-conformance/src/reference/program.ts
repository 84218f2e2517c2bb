import { binaryOps, unaryOps, type ElementwiseProgram } from "@neurite/tensor-core";
import { broadcastRead, forEachIndex, numel, store, type NdArray } from "./nd.js";

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

/**
 * The float64 reference of an elementwise program: at every output index, each node is computed in float64
 * from the table's definition of its op and then stored in the node's dtype (float32 rounding, int32
 * wrap-around, bool 0/1), exactly as the unfused chain of kernels would store each intermediate.
 */
export function programRef(program: ElementwiseProgram, inputs: readonly NdArray[], shape: readonly number[]): NdArray {
  const values = new Array<number>(numel(shape));
  const node = new Array<number>(program.nodes.length);
  forEachIndex(shape, (index, flat) => {
    program.nodes.forEach((n, i) => {
      let v: number;
      switch (n.kind) {
        case "input":
          v = broadcastRead(inputs[n.index]!, index);
          break;
        case "constant":
          v = n.value;
          break;
        case "unary": {
          const info: { fn: Fn1; intFn?: Fn1 } = unaryOps[n.op];
          v = (program.nodes[n.x]!.dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn)(node[n.x]!);
          break;
        }
        case "binary": {
          const info: { fn: Fn2; intFn?: Fn2 } = binaryOps[n.op];
          v = (program.nodes[n.a]!.dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn)(node[n.a]!, node[n.b]!);
          break;
        }
        case "where":
          v = node[n.condition] !== 0 ? node[n.a]! : node[n.b]!;
          break;
        case "cast":
          v = n.dtype === "int32" ? Math.trunc(node[n.x]!) | 0 : node[n.x]!;
          break;
      }
      node[i] = store(v, n.dtype);
    });
    values[flat] = node[program.result]!;
  });
  return { shape, values };
}
