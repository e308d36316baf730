/**
 * The cmdlets (and their parameters) the RRAS script may use, checked against Microsoft's reference
 * (github.com/MicrosoftDocs/windows-powershell-docs, docset/winserver2022-ps and winserver2016-ps).
 * Only parameters the docs list are allowed; for enum parameters the accepted values are listed too,
 * so a mapping to a value Windows does not know fails the PowerShell check.
 */

/** PowerShell's common parameters (about_CommonParameters), valid on every cmdlet listed here. */
export const COMMON_PARAMETERS = [
  'Debug', 'ErrorAction', 'ErrorVariable', 'InformationAction', 'InformationVariable',
  'OutVariable', 'OutBuffer', 'PipelineVariable', 'Verbose', 'WarningAction', 'WarningVariable',
] as const;

export interface CmdletSpec {
  /** Where the parameter list was read. */
  source: string;
  parameters: readonly string[];
  /** Accepted values of enum parameters (the docs' "Accepted values"). */
  values?: Readonly<Record<string, readonly string[]>>;
}

const RA = 'docset/winserver2022-ps/remoteaccess';
const CIM = ['CimSession', 'ThrottleLimit', 'AsJob'] as const;

/** Add-/Set-VpnS2SInterface CustomPolicy enums (identical in the 2016 and 2022 docs). */
const VPN_S2S_POLICY_VALUES = {
  EncryptionMethod: ['DES', 'DES3', 'AES128', 'AES192', 'AES256'],
  IntegrityCheckMethod: ['MD5', 'SHA1', 'SHA256', 'SHA384'],
  DHGroup: ['None', 'Group1', 'Group2', 'Group14', 'ECP256', 'ECP384', 'Group24'],
  CipherTransformConstants: ['DES', 'DES3', 'AES128', 'AES192', 'AES256', 'GCMAES128', 'GCMAES192', 'GCMAES256', 'None'],
  AuthenticationTransformConstants: ['MD596', 'SHA196', 'SHA256128', 'GCMAES128', 'GCMAES192', 'GCMAES256', 'None'],
  PfsGroup: ['None', 'PFS1', 'PFS2', 'PFS2048', 'ECP256', 'ECP384', 'PFSMM', 'PFS24'],
  NetworkOutageTimeSeconds: ['3', '6', '9', '12', '15', '30', '60', '120', '240', '360', '720', '900'],
  AuthenticationMethod: ['EAP', 'MachineCertificates', 'PSKOnly', 'MSCHAPv2'],
  ResponderAuthenticationMethod: ['MachineCertificates', 'PSKOnly'],
} as const;

const VPN_S2S_COMMON = [
  'Name', 'Destination', 'AdminStatus', 'PromoteAlternate', 'AuthenticationMethod', 'PostConnectionIPv4Subnet',
  'PostConnectionIPv6Subnet', 'InitiateConfigPayload', 'RadiusAttributeClass', 'EnableQoS', 'TxBandwidthKbps',
  'RxBandwidthKbps', 'IPv4TriggerFilter', 'IPv6TriggerFilter', 'Persistent', 'AutoConnectEnabled',
  'IPv4TriggerFilterAction', 'IPv6TriggerFilterAction', 'SADataSizeForRenegotiationKilobytes', 'IPv4Subnet',
  'IPv6Subnet', 'ResponderAuthenticationMethod', 'PassThru', 'RoutingDomain', 'Certificate', 'SharedSecret',
  'NetworkOutageTimeSeconds', 'NumberOfTries', 'RetryIntervalSeconds', 'SALifeTimeSeconds', 'MMSALifeTimeSeconds',
  'EapMethod', 'InternalIPv4', 'InternalIPv6', 'IdleDisconnectSeconds', 'UserName', 'Password', 'SourceIpAddress',
  'LocalVpnTrafficSelector', 'RemoteVpnTrafficSelector', 'EncryptionType', 'CustomPolicy', 'EncryptionMethod',
  'IntegrityCheckMethod', 'CipherTransformConstants', 'AuthenticationTransformConstants', 'PfsGroup', 'DHGroup',
  ...CIM, 'WhatIf', 'Confirm',
] as const;

export const CMDLETS: Readonly<Record<string, CmdletSpec>> = {
  'Install-WindowsFeature': {
    source: 'docset/winserver2022-ps/ServerManager/Install-WindowsFeature.md',
    parameters: ['Name', 'Restart', 'IncludeAllSubFeature', 'IncludeManagementTools', 'Source', 'ComputerName', 'Credential', 'LogPath', 'Vhd', 'ConfigurationFilePath', 'WhatIf', 'Confirm'],
  },
  'Get-RemoteAccess': { source: `${RA}/Get-RemoteAccess.md`, parameters: ['ComputerName', ...CIM] },
  'Install-RemoteAccess': {
    source: `${RA}/Install-RemoteAccess.md`,
    parameters: ['ComputerName', 'PassThru', 'VpnType', 'MsgAuthenticator', 'RadiusPort', 'RadiusScore', 'RadiusServer', 'RadiusTimeout', 'SharedSecret', 'Legacy', 'IPAddressRange', 'IPv6Prefix', 'EntrypointName', ...CIM, 'WhatIf', 'Confirm'],
    values: { VpnType: ['Vpn', 'VpnS2S', 'SstpProxy', 'RoutingOnly'] },
  },
  'Get-VpnS2SInterface': { source: `${RA}/Get-VpnS2SInterface.md`, parameters: ['Name', 'RoutingDomain', ...CIM] },
  'Add-VpnS2SInterface': {
    source: `${RA}/Add-VpnS2SInterface.md`,
    parameters: [...VPN_S2S_COMMON, 'Protocol', 'GreKey', 'GreTunnel', 'IPv4Address', 'IPv6Address'],
    values: { ...VPN_S2S_POLICY_VALUES, Protocol: ['L2TP', 'IKEv2', 'Automatic', 'SSTP'] },
  },
  'Set-VpnS2SInterface': {
    source: `${RA}/Set-VpnS2SInterface.md (and docset/winserver2016-ps/remoteaccess/Set-VpnS2SInterface.md)`,
    parameters: [...VPN_S2S_COMMON, 'Force', 'GreKey', 'GreTunnel', 'IPv4Address', 'IPv6Address'],
    values: VPN_S2S_POLICY_VALUES,
  },
  'Remove-VpnS2SInterface': { source: `${RA}/Remove-VpnS2SInterface.md`, parameters: ['Name', 'PassThru', 'Force', ...CIM, 'WhatIf', 'Confirm'] },
  'Connect-VpnS2SInterface': { source: `${RA}/Connect-VpnS2SInterface.md`, parameters: ['Name', 'PassThru', ...CIM, 'WhatIf', 'Confirm'] },
  'Get-BgpRouter': { source: `${RA}/Get-BgpRouter.md`, parameters: ['RoutingDomain', ...CIM] },
  'Add-BgpRouter': {
    source: `${RA}/Add-BgpRouter.md`,
    parameters: ['BgpIdentifier', 'LocalASN', 'IPv6Routing', 'CompareMEDAcrossASN', 'DefaultGatewayRouting', 'PassThru', 'Force', 'RoutingDomain', 'LocalIPv6Address', 'TransitRouting', 'RouteReflector', 'ClusterId', 'ClientToClientReflection', ...CIM],
  },
  'Get-BgpPeer': { source: `${RA}/Get-BgpPeer.md`, parameters: ['Name', 'RoutingDomain', 'AllRoutingDomains', ...CIM] },
  'Add-BgpPeer': {
    source: `${RA}/Add-BgpPeer.md`,
    parameters: ['Name', 'LocalIPAddress', 'PeerIPAddress', 'LocalASN', 'PeerASN', 'OperationMode', 'PeeringMode', 'HoldTimeSec', 'IdleHoldTimeSec', 'MaxAllowedPrefix', 'PassThru', 'RoutingDomain', 'Weight', 'RouteReflectorClient', ...CIM],
    values: { OperationMode: ['Mixed', 'Server'], PeeringMode: ['Automatic', 'Manual'] },
  },
  'Remove-BgpPeer': { source: `${RA}/Remove-BgpPeer.md`, parameters: ['Name', 'RoutingDomain', 'Force', ...CIM, 'WhatIf', 'Confirm'] },
  'Get-BgpCustomRoute': { source: `${RA}/Get-BgpCustomRoute.md`, parameters: ['RoutingDomain', ...CIM] },
  'Add-BgpCustomRoute': { source: `${RA}/Add-BgpCustomRoute.md`, parameters: ['PassThru', 'RoutingDomain', 'Interface', 'Network', ...CIM] },
  'Get-BgpRoutingPolicy': { source: `${RA}/Get-BgpRoutingPolicy.md`, parameters: ['Name', 'PolicyType', 'RoutingDomain', 'AllRoutingDomains', ...CIM] },
  'Add-BgpRoutingPolicy': {
    source: `${RA}/Add-BgpRoutingPolicy.md`,
    parameters: ['PassThru', 'RoutingDomain', 'IgnorePrefix', 'Name', 'MatchCommunity', 'NewLocalPref', 'AddCommunity', 'Force', 'NewMED', 'PolicyType', 'NewNextHop', 'RemoveCommunity', 'MatchPrefix', 'MatchNextHop', 'MatchASNRange', 'ClearMED', 'RemoveAllCommunities', ...CIM],
    values: { PolicyType: ['Deny', 'Allow', 'ModifyAttribute'] },
  },
  'Remove-BgpRoutingPolicy': { source: `${RA}/Remove-BgpRoutingPolicy.md`, parameters: ['Name', 'RoutingDomain', 'Force', ...CIM, 'WhatIf', 'Confirm'] },
  'Add-BgpRoutingPolicyForPeer': {
    source: `${RA}/Add-BgpRoutingPolicyForPeer.md`,
    parameters: ['PeerName', 'PolicyName', 'Direction', 'RoutingDomain', 'Force', ...CIM, 'WhatIf', 'Confirm'],
    values: { Direction: ['Ingress', 'Egress'] },
  },
  'New-NetFirewallRule': {
    source: 'docset/winserver2022-ps/netsecurity/New-NetFirewallRule.md',
    parameters: [
      'PolicyStore', 'GPOSession', 'Name', 'DisplayName', 'Description', 'Group', 'Enabled', 'Profile', 'Platform', 'Direction', 'Action',
      'EdgeTraversalPolicy', 'LooseSourceMapping', 'LocalOnlyMapping', 'Owner', 'LocalAddress', 'RemoteAddress', 'Protocol', 'LocalPort',
      'RemotePort', 'IcmpType', 'DynamicTarget', 'Program', 'Package', 'Service', 'InterfaceAlias', 'InterfaceType', 'LocalUser', 'RemoteUser',
      'RemoteMachine', 'Authentication', 'Encryption', 'OverrideBlockRules', ...CIM, 'WhatIf', 'Confirm',
    ],
    values: { Direction: ['Inbound', 'Outbound'], Action: ['NotConfigured', 'Allow', 'Block'] },
  },
  'Remove-NetFirewallRule': { source: 'docset/winserver2022-ps/netsecurity/Remove-NetFirewallRule.md', parameters: ['Name', 'DisplayName', 'PolicyStore', 'GPOSession', ...CIM, 'WhatIf', 'Confirm'] },
  'Get-NetIPAddress': {
    source: 'docset/winserver2022-ps/nettcpip/Get-NetIPAddress.md',
    parameters: ['IPAddress', 'InterfaceIndex', 'InterfaceAlias', 'AddressFamily', 'Type', 'PrefixLength', 'PrefixOrigin', 'SuffixOrigin', 'AddressState', 'ValidLifetime', 'PreferredLifetime', 'SkipAsSource', 'AssociatedIPInterface', 'PolicyStore', 'IncludeAllCompartments', ...CIM],
    values: { AddressFamily: ['IPv4', 'IPv6'] },
  },
  'Get-NetIPInterface': {
    source: 'docset/winserver2022-ps/nettcpip/Get-NetIPInterface.md',
    parameters: ['InterfaceAlias', 'InterfaceIndex', 'AddressFamily', 'PolicyStore', 'IncludeAllCompartments', ...CIM],
    values: { AddressFamily: ['IPv4', 'IPv6'] },
  },
  'Set-NetIPInterface': {
    source: 'docset/winserver2022-ps/nettcpip/Set-NetIPInterface.md',
    parameters: [
      'InterfaceIndex', 'InterfaceAlias', 'AddressFamily', 'ReachableTime', 'NeighborDiscoverySupported', 'CompartmentId', 'PolicyStore',
      'IncludeAllCompartments', 'Forwarding', 'ClampMss', 'Advertising', 'NlMtuBytes', 'InterfaceMetric', 'NeighborUnreachabilityDetection',
      'BaseReachableTimeMs', 'RetransmitTimeMs', 'DadTransmits', 'DadRetransmitTimeMs', 'RouterDiscovery', 'ManagedAddressConfiguration',
      'OtherStatefulConfiguration', 'WeakHostSend', 'WeakHostReceive', 'IgnoreDefaultRoutes', 'AdvertisedRouterLifetime',
      'AdvertiseDefaultRoute', 'CurrentHopLimit', 'ForceArpNdWolPattern', 'DirectedMacWolPattern', 'EcnMarking', 'Dhcp', 'AutomaticMetric',
      'InputObject', ...CIM, 'PassThru', 'WhatIf', 'Confirm',
    ],
    values: { AddressFamily: ['IPv4', 'IPv6'], ClampMss: ['Disabled', 'Enabled'] },
  },
  'Get-Command': {
    source: 'Microsoft.PowerShell.Core/Get-Command',
    parameters: ['Name', 'Noun', 'Verb', 'Module', 'FullyQualifiedModule', 'CommandType', 'TotalCount', 'Syntax', 'ShowCommandInfo', 'ArgumentList', 'All', 'ListImported', 'ParameterName', 'ParameterType', 'UseFuzzyMatching', 'UseAbbreviationExpansion'],
  },
  'Import-Module': {
    source: 'Microsoft.PowerShell.Core/Import-Module',
    parameters: ['Name', 'Global', 'Prefix', 'Function', 'Cmdlet', 'Variable', 'Alias', 'Force', 'SkipEditionCheck', 'PassThru', 'AsCustomObject', 'MinimumVersion', 'MaximumVersion', 'RequiredVersion', 'ArgumentList', 'DisableNameChecking', 'NoClobber', 'Scope'],
  },
  'Get-Date': { source: 'Microsoft.PowerShell.Utility/Get-Date', parameters: ['Date', 'Year', 'Month', 'Day', 'Hour', 'Minute', 'Second', 'Millisecond', 'DisplayHint', 'Format', 'UFormat', 'AsUTC'] },
  'Start-Sleep': { source: 'Microsoft.PowerShell.Utility/Start-Sleep', parameters: ['Seconds', 'Milliseconds'] },
  'Write-Host': { source: 'Microsoft.PowerShell.Utility/Write-Host', parameters: ['Object', 'NoNewline', 'Separator', 'ForegroundColor', 'BackgroundColor'] },
  'Write-Warning': { source: 'Microsoft.PowerShell.Utility/Write-Warning', parameters: ['Message'] },
  'ForEach-Object': { source: 'Microsoft.PowerShell.Core/ForEach-Object', parameters: ['InputObject', 'Begin', 'Process', 'End', 'RemainingScripts', 'MemberName', 'ArgumentList', 'WhatIf', 'Confirm'] },
};

function lookup(cmdlet: string): CmdletSpec | undefined {
  const key = Object.keys(CMDLETS).find((k) => k.toLowerCase() === cmdlet.toLowerCase());
  return key ? CMDLETS[key] : undefined;
}

/** True when the cmdlet is on the allowlist (PowerShell names are case-insensitive). */
export function isAllowedCmdlet(cmdlet: string): boolean {
  return lookup(cmdlet) !== undefined;
}

/** True when `parameter` (without the dash) is a documented parameter of `cmdlet` or a common parameter. */
export function isAllowedParameter(cmdlet: string, parameter: string): boolean {
  const spec = lookup(cmdlet);
  if (!spec) return false;
  const p = parameter.toLowerCase();
  return [...spec.parameters, ...COMMON_PARAMETERS].some((name) => name.toLowerCase() === p);
}

/** The documented accepted values of an enum parameter, or undefined when the parameter is not an enum. */
export function acceptedValues(cmdlet: string, parameter: string): readonly string[] | undefined {
  const spec = lookup(cmdlet);
  const key = spec?.values && Object.keys(spec.values).find((k) => k.toLowerCase() === parameter.toLowerCase());
  return key ? spec?.values?.[key] : undefined;
}
