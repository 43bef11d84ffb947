// Vitest's JSON report, each file's entry with the vitest project it ran in (`project`): with the node-host
// project (vitest.config.ts) the same file runs twice, and scripts/test.mjs must say which run failed.
import { JsonReporter } from 'vitest/reporters';

export default class JsonReporterWithProjects extends JsonReporter {
  /** Each module's project, in the order the base class writes the modules' entries. */
  projects = [];

  constructor(options = {}) {
    super(options);
  }

  async onTestRunEnd(testModules, ...rest) {
    this.projects = testModules.map((m) => m.project.name);
    return super.onTestRunEnd(testModules, ...rest);
  }

  async writeReport(report) {
    const parsed = JSON.parse(report);
    parsed.testResults?.forEach((file, i) => {
      file.project = this.projects[i] ?? '';
    });
    return super.writeReport(JSON.stringify(parsed));
  }
}
