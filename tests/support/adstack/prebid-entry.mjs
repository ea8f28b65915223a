/* The Prebid.js build of the browser tests, from the npm package as a publisher's own
   build would make it: the core, one bidder adapter, the per-unit size mapping
   (sizeMappingV2: each ad unit's sizeConfig is its GPT size mapping), the consent modules (IAB TCF and GPP, with TCF
   enforcement) and the debugging module, whose bid interception answers for the bidder so
   that no request leaves the machine. The debugging module turns Prebid's debug mode on,
   which loads the developer-tools module from a CDN unless it is in the build: it is. */
import pbjs from 'prebid.js';
import 'prebid.js/modules/appnexusBidAdapter';
import 'prebid.js/modules/sizeMappingV2';
import 'prebid.js/modules/consentManagementTcf';
import 'prebid.js/modules/consentManagementGpp';
import 'prebid.js/modules/tcfControl';
import 'prebid.js/modules/debugging';
import 'prebid.js/modules/devtoolsMcp';

pbjs.processQueue();
