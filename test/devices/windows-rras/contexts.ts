/**
 * Contexts for the RRAS tests: the same small hub + facts shapes the strongSwan tests use (both devices
 * are this team's), built through the product's `buildSiteContext`.
 */
export { ADDR, DEFAULT_KEY, contextFor, hubAndFacts, policyOf, type Shape } from '../strongswan/contexts';
