// A TypeDoc plugin for Neurite's API reference:
// - names each entry point after the import specifier a user writes (packages/trainer/src/node.ts →
//   "@neurite/trainer/node") instead of its path;
// - gives Tensor's methods (`x.relu()`), which have no comments of their own, the comment of the op function
//   they call (`relu(x)`), as tensor.ts says they are documented;
// - fails the build (an error, so TypeDoc exits non-zero) on an exported symbol without a doc comment: every
//   export of every entry point, namespaces included (members of classes and interfaces are not checked).
import { Converter, ReflectionKind } from "typedoc";

const ENTRY = /packages\/([\w-]+)\/src\/([\w-]+)\.ts$/;

/** @param {import("typedoc").Reflection} reflection */
function documented(reflection) {
  if (reflection.hasComment()) return true;
  const signatures = "signatures" in reflection ? (reflection.signatures ?? []) : [];
  if (signatures.some((s) => s.hasComment())) return true;
  const type = "type" in reflection ? reflection.type : undefined;
  const declaration = type?.type === "reflection" ? type.declaration : undefined;
  return declaration?.signatures?.some((s) => s.hasComment()) === true;
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const match = ENTRY.exec(reflection.sources?.[0]?.fullFileName ?? "");
    if (match === null) return;
    const [, pkg, entry] = match;
    reflection.name = entry === "index" ? `@neurite/${pkg}` : `@neurite/${pkg}/${entry}`;
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const core = context.project.children?.find((m) => m.name === "@neurite/tensor-core");
    const tensorClass = core?.children?.find((c) => c.name === "Tensor" && c.kindOf(ReflectionKind.Class));
    for (const method of tensorClass?.children ?? []) {
      if (!method.kindOf(ReflectionKind.Method)) continue;
      const op = core?.children?.find((c) => c.name === method.name && c.kindOf(ReflectionKind.Function | ReflectionKind.Variable));
      const comment = op?.signatures?.find((sig) => sig.comment !== undefined)?.comment ?? op?.comment ??
        (op?.type?.type === "reflection" ? op.type.declaration.signatures?.find((sig) => sig.comment !== undefined)?.comment : undefined);
      if (comment === undefined) continue;
      for (const signature of method.signatures ?? []) if (signature.comment === undefined) signature.comment = comment.clone();
    }

    const missing = [];
    /** @param {import("typedoc").ContainerReflection} container */
    const walk = (container, path) => {
      for (const child of container.children ?? []) {
        const name = `${path}.${child.name}`;
        if (child.kindOf(ReflectionKind.Namespace)) walk(child, name);
        // A second export of a documented symbol (`export type { X }` beside `export * as ns`) is a reference.
        else if (child.kindOf(ReflectionKind.Reference)) continue;
        else if (!documented(child)) missing.push(`${name} (${child.sources?.[0]?.fileName ?? "?"}:${child.sources?.[0]?.line ?? "?"})`);
      }
    };
    for (const module of context.project.children ?? []) walk(module, module.name);
    for (const name of missing) app.logger.error(`exported symbol without a doc comment: ${name}`);
  });
}
