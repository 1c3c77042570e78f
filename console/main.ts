// The console's entry (console/index.html): its stylesheet, then its elements,
// registered here by name (the package's `sideEffects` list would let the
// bundler drop a module that only registers itself).
import './console.css';
import { KycConsole } from './app';
import { DeliveriesPage } from './pages/deliveries';
import { DoctorPage } from './pages/doctor';
import { OverviewPage } from './pages/overview';
import { UserPage } from './pages/user';

customElements.define('kyc-overview', OverviewPage);
customElements.define('kyc-deliveries', DeliveriesPage);
customElements.define('kyc-user', UserPage);
customElements.define('kyc-doctor', DoctorPage);
customElements.define('kyc-console', KycConsole);
