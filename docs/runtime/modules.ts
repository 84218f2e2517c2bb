// The modules a sample may import in the browser: the real @neurite packages, bundled from the workspace.
import * as autograd from "@neurite/autograd";
import * as backendCpu from "@neurite/backend-cpu";
import * as backendWebgpu from "@neurite/backend-webgpu";
import * as dataLoaders from "@neurite/data-loaders";
import * as layers from "@neurite/layers";
import * as losses from "@neurite/losses";
import * as optimizers from "@neurite/optimizers";
import * as tensorCore from "@neurite/tensor-core";
import * as trainer from "@neurite/trainer";
import * as output from "./output.js";

export const modules: Readonly<Record<string, unknown>> = {
  "@neurite/autograd": autograd,
  "@neurite/backend-cpu": backendCpu,
  "@neurite/backend-webgpu": backendWebgpu,
  "@neurite/data-loaders": dataLoaders,
  "@neurite/layers": layers,
  "@neurite/losses": losses,
  "@neurite/optimizers": optimizers,
  "@neurite/tensor-core": tensorCore,
  "@neurite/trainer": trainer,
  "@docs/output": output,
};
