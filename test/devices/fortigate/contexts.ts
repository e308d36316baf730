/** Test contexts for fortigate: the same small hubs and facts the cisco-ios tests use. */
export * from '../cisco-ios/contexts';
