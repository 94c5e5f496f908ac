/**
 * The documents: README.md, the pages of docs/ and the patterns' READMEs. Every relative link points at a file that
 * exists and, with a fragment, at a heading of that file (GitHub's anchors); every page of docs/ is on the README's
 * map; and what the README and docs/ link to ships in the package (package.json "files"), so the links work from
 * node_modules too. The set-up commands the README gives are the package's scripts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const pages = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const patternReadmes = readdirSync(join(root, 'patterns'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'patterns', d.name, 'README.md')))
  .map((d) => `patterns/${d.name}/README.md`);
const documents = ['README.md', ...pages, ...patternReadmes];

/** prose is a markdown file without its fenced code blocks (a `# comment` in a shell block is not a heading). */
function prose(file: string): string {
  let fenced = false;
  return readFileSync(join(root, file), 'utf8')
    .split('\n')
    .filter((l) => {
      if (/^\s*```/.test(l)) fenced = !fenced;
      return !fenced && !/^\s*```/.test(l);
    })
    .join('\n');
}

/** anchors are GitHub's ids for a file's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  for (const m of prose(file).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let s = slug;
    for (let n = 1; out.has(s); n++) s = `${slug}-${n}`;
    out.add(s);
  }
  return out;
}

/** links are a file's relative link targets, `[text](target)`, as [path, fragment]. */
function links(file: string): Array<[string, string]> {
  return [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z]+:/i.test(t))
    .map((t) => {
      const at = t.indexOf('#');
      return at < 0 ? [t, ''] : [t.slice(0, at), t.slice(at + 1)];
    });
}

const files = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;

/** shipped says whether a path of the repository is in the package by package.json "files". */
function shipped(path: string): boolean {
  return files.some((f) => {
    const re = new RegExp(`^${f.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`);
    return re.test(path);
  });
}

describe('documents', () => {
  it('link only to files that exist, and to headings that exist', () => {
    const broken: string[] = [];
    for (const doc of documents) {
      for (const [path, fragment] of links(doc)) {
        const target = path === '' ? doc : relative(root, join(root, dirname(doc), path));
        if (!existsSync(join(root, target))) broken.push(`${doc}: ${path} (no such file)`);
        else if (fragment !== '' && target.endsWith('.md') && !anchors(target).has(fragment)) {
          broken.push(`${doc}: ${path}#${fragment} (no such heading in ${target})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('put every page of docs/ on the README map', () => {
    const linked = new Set(links('README.md').map(([p]) => p));
    for (const page of pages) expect(linked, page).toContain(page);
  });

  it('link from the README and docs/ only to what the package ships', () => {
    for (const doc of ['README.md', ...pages]) {
      for (const [path] of links(doc)) {
        if (path === '') continue;
        const target = relative(root, join(root, dirname(doc), path));
        expect(shipped(target), `${doc} links to ${target}`).toBe(true);
      }
    }
  });

  it('give set-up commands that are the package scripts', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const setup = /## Set-up\n\n```sh\n([^`]*)```/.exec(readme)?.[1] ?? '';
    const commands = setup
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci', 'npm test']);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['test']).toBeDefined();
    expect(existsSync(join(root, 'package-lock.json'))).toBe(true); // npm ci needs it
    for (const m of readme.matchAll(/npx tsx (examples\/[\w/-]+\.ts)/g)) expect(existsSync(join(root, m[1]!)), m[1]).toBe(true);
  });
});
