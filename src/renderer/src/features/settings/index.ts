/** What other features may use of the settings feature (ADR 0015): everything else in this folder is its own. */
export { AgentsOnMachine } from './AgentsOnMachine';
