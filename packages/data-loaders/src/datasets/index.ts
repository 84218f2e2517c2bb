export { courseNotesTable } from "./course-notes.js";
export { circles, spirals, twoMoons, type ToyOptions } from "./synthetic.js";
export { xor } from "./xor.js";
