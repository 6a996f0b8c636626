import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  buildPom,
  CACHE_COMPLETE_MARKER,
  ensureKafkaJars,
  kafkaLibsDir,
  resolveCacheRoot,
} from './kafka-jars-cache.js';

describe('resolveCacheRoot', () => {
  it('prefers LIENTHONG_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheRoot({ LIENTHONG_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(resolveCacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/lienthong');
    expect(resolveCacheRoot({})).toMatch(/\.cache\/lienthong$/);
  });
});

describe('buildPom', () => {
  it('asks for the broker and the SLF4J binding', () => {
    const pom = buildPom('4.4.0', '2.25.5');
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId>\n      <version>4.4.0</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(pom).toContain('<artifactId>log4j-bom</artifactId>\n        <version>2.25.5</version>');
  });
});

describe('ensureKafkaJars', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lienthong-cache-spec-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A stand-in for mvn: writes the jars into -DoutputDirectory, or fails. */
  async function fakeMaven(behaviour: 'ok' | 'fail'): Promise<string> {
    const script = join(root, `fake-mvn-${behaviour}`);
    const body =
      behaviour === 'ok'
        ? [
            'for arg in "$@"; do case "$arg" in -DoutputDirectory=*) out="${arg#-DoutputDirectory=}";; esac; done',
            'mkdir -p "$out"',
            'for jar in kafka_2.13-9.9.9 kafka-clients-9.9.9 log4j-slf4j-impl-2.0.0; do : > "$out/$jar.jar"; done',
          ]
        : ['mkdir -p "$PWD"', 'echo "could not resolve artifacts" >&2', 'exit 1'];
    await writeFile(script, `#!/bin/sh\n${body.join('\n')}\n`);
    await chmod(script, 0o755);
    return script;
  }

  it('uses a complete cache without running Maven', async () => {
    const libs = kafkaLibsDir(root, '9.9.9');
    await mkdir(libs, { recursive: true });
    await writeFile(join(libs, CACHE_COMPLETE_MARKER), 'kafka_2.13-9.9.9.jar\n');
    await expect(ensureKafkaJars(root, '9.9.9', undefined, join(root, 'no-such-mvn'))).resolves.toBe(libs);
  });

  it('moves a complete download into place and removes abandoned partial downloads', async () => {
    const versionDir = join(root, 'kafka-9.9.9');
    await mkdir(join(versionDir, 'libs.partial-999999999-abcdef'), { recursive: true });
    const libs = await ensureKafkaJars(root, '9.9.9', undefined, await fakeMaven('ok'));
    expect(libs).toBe(kafkaLibsDir(root, '9.9.9'));
    expect((await readFile(join(libs, CACHE_COMPLETE_MARKER), 'utf8')).split('\n')).toContain(
      'kafka_2.13-9.9.9.jar',
    );
    expect((await readdir(versionDir)).sort()).toEqual(['libs', 'pom.xml']);
  });

  it('leaves no libs folder behind when Maven fails', async () => {
    await expect(ensureKafkaJars(root, '9.9.9', undefined, await fakeMaven('fail'))).rejects.toThrow(
      /could not resolve artifacts/,
    );
    expect(existsSync(kafkaLibsDir(root, '9.9.9'))).toBe(false);
    expect(await readdir(join(root, 'kafka-9.9.9'))).toEqual([]);
  });

  it('reports a missing Maven clearly', async () => {
    await expect(ensureKafkaJars(root, '9.9.9', undefined, join(root, 'no-such-mvn'))).rejects.toThrow(
      /is not on the PATH/,
    );
  });
});
