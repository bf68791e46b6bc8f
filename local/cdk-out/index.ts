export { readCloudAssembly, type AssemblyStack, type CfnTemplate, type CfnResource } from './assembly.js';
export { loadCloudAssembly, type LoadedAssembly } from './load-assembly.js';
export {
  applyCloudAssembly,
  formatCdkOutReport,
  mergeFunctions,
  type CdkOutReport,
} from './apply-assembly.js';
export { ENDPOINT_PLACEHOLDER, physicalName } from './physical-names.js';
export { IntrinsicResolver, UnresolvableError } from './intrinsics.js';
