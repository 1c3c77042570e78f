// `npm run doctor -- --endpoint <Worker URL> [--json]`: the CLI's doctor
// (`paypay-kyc doctor`, cli/doctor.mjs), where its flags and exit codes live.
import { runMain } from '../cli/common.mjs';
import { run } from '../cli/doctor.mjs';

await runMain(run, process.argv.slice(2));
