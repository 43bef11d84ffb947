/** A new worktree's setup (copied files, then the project's setup commands) run on the SSH destination it lives on (ADR 0018). */
import type { CopyFile } from '../../../shared/contracts/projects';
import { parseAnswer, SetupAnswerSchema } from './answers';
import type { RemoteInstall } from './bootstrap';
import { shq, type SshLink } from './link';

export interface RemoteSetupRequest {
  repoPath: string;
  worktreePath: string;
  copyFiles: readonly CopyFile[];
  commands: readonly string[];
  /** The project's variables: sent on stdin, never on a command line (a remote `ps` would show them). */
  env: Record<string, string>;
}

/**
 * Runs under the remote's node: the same steps as setup.ts does locally (a file resolving outside the
 * repository is refused; the first failing command stops the rest), each command in a shell in the
 * worktree, its output in the log, each line of the log saying which machine it ran on.
 */
const SETUP_JS = `
const fs=require('fs'),path=require('path'),cp=require('child_process');
let raw='';process.stdin.on('data',(d)=>raw+=d);process.stdin.on('end',()=>{
const q=JSON.parse(raw);let log='',ok=true;const add=(s)=>{log=(log+s).slice(-65536)};
const repo=fs.realpathSync(q.repoPath);
for(const f of q.copyFiles){try{const real=fs.realpathSync(path.join(repo,f.path));
if(path.relative(repo,real).startsWith('..')||real===repo)throw new Error('it resolves outside the repository');
const target=path.join(q.worktreePath,f.path);fs.mkdirSync(path.dirname(target),{recursive:true});
if(f.mode==='symlink')fs.symlinkSync(real,target);else fs.cpSync(real,target,{recursive:true,force:true});
add((f.mode==='symlink'?'✓ linked ':'✓ copied ')+f.path+' on '+q.where+'\\n')}catch(e){ok=false;add('✗ could not '+f.mode+' '+f.path+' on '+q.where+': '+e.message+'\\n')}}
for(const c of q.commands){add(q.where+'$ '+c+'\\n');
const r=cp.spawnSync('/bin/sh',['-c',c],{cwd:q.worktreePath,env:Object.assign({},process.env,q.env),encoding:'utf8',timeout:600000,maxBuffer:64*1024*1024});
add((r.stdout||'')+(r.stderr||''));
if(r.error||r.status!==0){ok=false;add('✗ '+(r.error?'could not run: '+r.error.message:'exited with '+(r.status===null?'signal '+r.signal:r.status))+' on '+q.where+'; the remaining setup commands were skipped\\n');break}}
process.stdout.write(JSON.stringify({ok,log})+'\\n')});
`;

/** The outcome as setup.ts gives it locally; a link that fails midway is a failed setup, said so in the log. */
export async function runRemoteSetup(link: SshLink, install: RemoteInstall, req: RemoteSetupRequest): Promise<{ ok: boolean; log: string }> {
  const where = link.target.destination;
  const r = await link.exec(`${shq(install.node)} -e ${shq(SETUP_JS)}`, JSON.stringify({ ...req, where }), 11 * 60_000);
  if (!r.ok) return { ok: false, log: `✗ setup on ${where} could not run: ${r.error.message}\n` };
  const out = SetupAnswerSchema.safeParse(parseAnswer(r.value.stdout));
  if (out.success) return out.data;
  return { ok: false, log: `✗ setup on ${where} failed: ${r.value.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${r.value.code}`}\n` };
}
