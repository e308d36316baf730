/** Test contexts for juniper-srx: the same small hubs and facts the cisco-ios tests use (same owner). */
export * from '../cisco-ios/contexts';
