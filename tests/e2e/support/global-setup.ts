import { buildOnce } from '../../support/build';

export default function globalSetup(): void {
  buildOnce();
}
