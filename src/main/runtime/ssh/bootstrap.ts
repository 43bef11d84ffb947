/** First use of a remote machine: check what it needs (git, Node ≥ 20, the agent), then install Baton's host bundle there, checksum-verified. */
import { fail, ok, type Result } from '../../../shared/result';
import { InstallAnswerSchema, parseAnswer } from './answers';
import type { HostBundle } from './bundle';
import { shq, type SshLink } from './link';

/** Where Baton keeps its files on the remote, below the remote user's home (BATON_REMOTE_HOME, when set there, replaces the home). */
export const REMOTE_FOLDER = '.baton-remote';
export const MIN_NODE_MAJOR = 20;

export interface RemoteProblem {
  piece: 'git' | 'node' | 'agent' | 'home';
  message: string;
  /** The command that fixes it, to run on the remote. */
  fix: string;
}

export interface RemoteInstall {
  /** `<home>/.baton-remote`, absolute on the remote. */
  root: string;
  /** `<root>/<bundle version>`: host.js, remote.js, chunks. */
  bundleDir: string;
  /** `<root>/data`: sessions, journals, host files; the journal stays where the host runs. */
  dataDir: string;
  /** The remote's node, as found on its PATH. */
  node: string;
  version: string;
  /** False when the bundle was already there and verified: bootstrap is idempotent. */
  copied: boolean;
}

export type BootstrapResult = Result<RemoteInstall, { code: string; message: string; problems?: RemoteProblem[] }>;

/** One round trip: what is installed, as `key=value` lines; an agent command is found on PATH or as a path. */
function checkScript(agentCommands: string[]): string {
  const lines = [
    `root="\${BATON_REMOTE_HOME:-$HOME}/${REMOTE_FOLDER}"`,
    `printf 'root=%s\\n' "$root"`,
    `if command -v git >/dev/null 2>&1; then printf 'git=%s\\n' "$(git --version 2>&1)"; else echo git=; fi`,
    `if command -v node >/dev/null 2>&1; then printf 'node=%s\\n' "$(node -v 2>&1)"; printf 'nodepath=%s\\n' "$(command -v node)"; else echo node=; fi`,
    ...agentCommands.map((c, i) => `if command -v ${shq(c)} >/dev/null 2>&1; then echo agent${i}=1; else echo agent${i}=; fi`),
  ];
  return lines.join('\n');
}

/** Checks the remote; every missing piece is named with the command that fixes it. */
export async function checkRemote(link: SshLink, agentCommands: string[]): Promise<Result<{ root: string; node: string }, { code: string; message: string; problems?: RemoteProblem[] }>> {
  const dest = link.target.destination;
  const r = await link.exec(checkScript(agentCommands), null, 30_000);
  if (!r.ok) return r;
  const kv = new Map<string, string>();
  for (const line of r.value.stdout.toString('utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const problems: RemoteProblem[] = [];
  const root = kv.get('root') ?? '';
  if (!root.startsWith('/')) problems.push({ piece: 'home', message: `${dest} has no usable home directory for Baton (got ${JSON.stringify(root)}).`, fix: 'export HOME=/path/to/your/home in your remote shell profile' });
  if (!kv.get('git')) problems.push({ piece: 'git', message: `git is not installed on ${dest} (or not on the PATH of a non-interactive ssh shell).`, fix: 'sudo apt-get install -y git   # or your system\'s package manager' });
  const nodeVersion = kv.get('node') ?? '';
  const major = Number(/^v(\d+)\./.exec(nodeVersion)?.[1] ?? 0);
  if (!nodeVersion) problems.push({ piece: 'node', message: `Node.js is not installed on ${dest} (or not on the PATH of a non-interactive ssh shell); Baton's session host needs Node ${MIN_NODE_MAJOR} or newer.`, fix: `curl -fsSL https://deb.nodesource.com/setup_${MIN_NODE_MAJOR}.x | sudo -E bash - && sudo apt-get install -y nodejs   # or: nvm install ${MIN_NODE_MAJOR}` });
  else if (major < MIN_NODE_MAJOR) problems.push({ piece: 'node', message: `${dest} has Node ${nodeVersion}; Baton's session host needs Node ${MIN_NODE_MAJOR} or newer.`, fix: `nvm install ${MIN_NODE_MAJOR}   # or upgrade the nodejs package` });
  agentCommands.forEach((c, i) => {
    if (!kv.get(`agent${i}`)) problems.push({ piece: 'agent', message: `The agent command "${c}" is not found on ${dest}.`, fix: `install it on ${dest} (for an npm package: npm install -g <package>), or set the agent's command to its full path there` });
  });
  if (problems.length > 0) {
    const text = problems.map((p) => `${p.message} Fix: ${p.fix}`).join('\n');
    return { ok: false, error: { code: 'remote_not_ready', message: `${dest} is not ready for Baton:\n${text}`, problems } };
  }
  return ok({ root, node: kv.get('nodepath') || 'node' });
}

/**
 * Runs on the remote under its node: reads {dir, files} from stdin; if `dir`
 * holds every file with the expected sha256 it says so, otherwise writes them
 * to a fresh temp dir beside it, re-reads and checks each hash, and renames
 * the dir into place (a concurrent installer that won is kept).
 */
const INSTALL_JS = `
const fs=require('fs'),path=require('path'),crypto=require('crypto');
process.umask(0o077);
const h=(b)=>crypto.createHash('sha256').update(b).digest('hex');
let raw='';process.stdin.on('data',(d)=>raw+=d);process.stdin.on('end',()=>{
const {dir,files}=JSON.parse(raw);
const verify=(d)=>files.every((f)=>{try{return h(fs.readFileSync(path.join(d,f.rel)))===f.sha256}catch{return false}});
if(verify(dir)){process.stdout.write(JSON.stringify({copied:false})+'\\n');return}
fs.mkdirSync(path.dirname(dir),{recursive:true});
const tmp=dir+'.tmp-'+process.pid;fs.rmSync(tmp,{recursive:true,force:true});
for(const f of files){const p=path.join(tmp,f.rel);fs.mkdirSync(path.dirname(p),{recursive:true});fs.writeFileSync(p,Buffer.from(f.b64,'base64'))}
const bad=files.filter((f)=>h(fs.readFileSync(path.join(tmp,f.rel)))!==f.sha256).map((f)=>f.rel);
if(bad.length){fs.rmSync(tmp,{recursive:true,force:true});process.stdout.write(JSON.stringify({error:'checksum mismatch after copy: '+bad.join(', ')})+'\\n');return}
fs.rmSync(dir,{recursive:true,force:true});
try{fs.renameSync(tmp,dir)}catch(e){fs.rmSync(tmp,{recursive:true,force:true});if(!verify(dir))throw e}
process.stdout.write(JSON.stringify({copied:true})+'\\n')});
`;

/** Checks the remote, then installs the bundle under `<root>/<version>` unless it is there already and verifies. */
export async function bootstrapRemote(link: SshLink, bundle: HostBundle, agentCommands: string[]): Promise<BootstrapResult> {
  const dest = link.target.destination;
  const checked = await checkRemote(link, agentCommands);
  if (!checked.ok) return checked;
  const { root, node } = checked.value;
  const bundleDir = `${root}/${bundle.version}`;
  const payload = JSON.stringify({ dir: bundleDir, files: bundle.files.map((f) => ({ rel: f.rel, sha256: f.sha256, b64: f.bytes.toString('base64') })) });
  const r = await link.exec(`${shq(node)} -e ${shq(INSTALL_JS)}`, payload, 120_000);
  if (!r.ok) return r;
  const answer = InstallAnswerSchema.safeParse(parseAnswer(r.value.stdout));
  const parsed = answer.success ? answer.data : null;
  if (!parsed || r.value.code !== 0 || parsed.error || typeof parsed.copied !== 'boolean') {
    const why = parsed?.error ?? (r.value.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${r.value.code}`);
    return fail('install_failed', `Copying Baton's session host to ${dest}:${bundleDir} failed: ${why}. Check free space and permissions there, then retry.`);
  }
  return ok({ root, bundleDir, dataDir: `${root}/data`, node, version: bundle.version, copied: parsed.copied });
}
