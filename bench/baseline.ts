import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `--baseline <ref>`: a temporary git worktree of the ref (detached, outside this checkout), its
 * node_modules a symlink to this repo's, removed again by `remove()` (the runner calls it on success,
 * failure and SIGINT).
 */
export interface BaselineWorktree {
  ref: string;
  commit: string;
  subject: string;
  dir: string;
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export function addBaselineWorktree(root: string, ref: string): BaselineWorktree {
  const commit = git(root, ['rev-parse', '--verify', `${ref}^{commit}`]);
  const subject = git(root, ['log', '-1', '--format=%s', commit]);
  const parent = mkdtempSync(join(tmpdir(), 'scim-bench-baseline-'));
  const dir = join(parent, 'ref');
  git(root, ['worktree', 'add', '--detach', dir, commit]);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root });
    rmSync(parent, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root });
  };
  try {
    symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'), 'dir');
    if (!existsSync(join(dir, 'local', 'service.ts'))) {
      throw new Error(`${ref} has no local/service.ts: it cannot be started as a local service`);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { ref, commit, subject, dir, remove };
}

export function currentCommit(root: string): { commit: string; subject: string; dirty: boolean } {
  return {
    commit: git(root, ['rev-parse', 'HEAD']),
    subject: git(root, ['log', '-1', '--format=%s']),
    dirty: git(root, ['status', '--porcelain', '--untracked-files=no']).length > 0,
  };
}
