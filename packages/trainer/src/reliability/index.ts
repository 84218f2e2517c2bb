import { data } from "./data.js";
import { losses } from "./losses.js";
import { layers } from "./models.js";
import { optimizers } from "./optimizers.js";
import type { Table } from "./table.js";
import { tensors } from "./tensors.js";
import { checkpoints, trainer } from "./training.js";

/** Every area's rows. Add an area by importing its rows here. */
export const table: Table = { tensors, layers, losses, optimizers, "data-loaders": data, trainer, checkpoints };
