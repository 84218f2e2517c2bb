import { train } from "./src/training.js";
const r = await train("mlp", "neurite", false);
console.log(r, r.samples / r.seconds);
