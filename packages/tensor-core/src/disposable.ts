// The typings of Neurite name `Symbol.dispose` and `Disposable`, which TypeScript declares only in its
// `esnext.disposable` lib (or `@types/node` does). Declaring the same two members here, in the shape the lib
// uses so that the declarations merge, lets a project on a default tsconfig type-check the packages without
// adding that lib or `skipLibCheck`. The runtime symbol is the platform's own (Node 20.19+, current browsers).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
}

export {};
