/**
 * The layer check (`deno task layers`): fails when a file in `src/` imports from a layer above its
 * own, when the import graph has a cycle, or when a runtime global (`Deno`, `Bun`, `process`,
 * `node:*`) appears outside `src/runtime/`.
 *
 * Layers, bottom to top: `errors.ts` (a leaf) < memory < transport < runtime < worker < host <
 * the public layer (`src/*.ts`). `runtime/` sits below `worker/` and `host/` because both start
 * or talk to threads through it; it imports nothing of weft's but `errors.ts`.
 *
 * The transport moves bytes and never decides what they are: no file in `src/transport/` may
 * import the codec's wire format (`src/memory/tags.ts`); encoding decisions, fast paths included,
 * go through `src/memory/message_codec.ts`.
 *
 * @module
 */

const LAYERS = ["memory", "transport", "runtime", "worker", "host"];
/** Files that only the codec may import, and the layer kept away from them. */
const CODEC_ONLY = { file: "src/memory/tags.ts", forbiddenIn: "src/transport/" };

function layerOf(path: string): number {
  const rel = path.replace(/^.*?src\//, "");
  if (rel === "errors.ts") return -1;
  const dir = rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : "";
  const i = LAYERS.indexOf(dir);
  return i === -1 ? LAYERS.length : i;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) walk(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

const problems: string[] = [];
const graph = new Map<string, string[]>();
const files = walk("src").sort();
const IMPORT = /(?:import|export)\s[^"';]*?from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g;
const GLOBALS = /\b(?:Deno|Bun)\.|\bprocess\.|from\s+"node:/;

for (const file of files) {
  const text = Deno.readTextFileSync(file);
  const inRuntime = file.startsWith("src/runtime/");
  text.split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (!inRuntime && GLOBALS.test(code) && !/^\s*\*/.test(line)) {
      problems.push(`${file}:${i + 1}: runtime global outside src/runtime/: ${line.trim()}`);
    }
  });
  const deps: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const target = new URL(spec, `file:///${file}`).pathname.slice(1);
    // Type-only imports vanish at run time, so they cannot form a cycle in evaluation.
    if (!/^(?:import|export)\s+type\s/.test(m[0])) deps.push(target);
    const from = layerOf(file);
    const to = layerOf(target);
    if (target === CODEC_ONLY.file && file.startsWith(CODEC_ONLY.forbiddenIn)) {
      problems.push(
        `${file}: imports ${spec}, the codec's wire format; the transport moves bytes only (use src/memory/message_codec.ts)`,
      );
    }
    if (file === "src/errors.ts") {
      problems.push(`${file}: errors.ts is a leaf and imports ${spec}`);
    } else if (to > from) {
      problems.push(`${file}: imports ${spec}, a layer above its own`);
    }
  }
  graph.set(file, deps);
}

const state = new Map<string, number>();
function visit(file: string, stack: string[]): void {
  if (state.get(file) === 2) return;
  if (state.get(file) === 1) {
    problems.push(`import cycle: ${[...stack.slice(stack.indexOf(file)), file].join(" -> ")}`);
    return;
  }
  state.set(file, 1);
  for (const dep of graph.get(file) ?? []) visit(dep, [...stack, file]);
  state.set(file, 2);
}
for (const file of files) visit(file, []);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`layer check: ${problems.length} problem(s)`);
  Deno.exit(1);
}
console.log(`layer check: ${files.length} files, no problems`);
