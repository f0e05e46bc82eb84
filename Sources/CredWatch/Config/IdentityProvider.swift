/// An identity provider: the sign-in front door of the organisation's single sign-on, whose
/// password opens mail, files and, through federation, the VPN and the clinical platforms.
///
/// A pack marks a platform as one with `category = "identity"` and `provider = "<name>"`; the
/// organisation profile names the providers it really uses with `identity_providers`. Both are
/// checked against this one list, so a misspelt name is a configuration error, never a provider
/// silently taken as unused.
public enum IdentityProvider: String, CaseIterable, Sendable, Hashable {
    /// Microsoft Entra ID (Azure AD): Microsoft 365 sign-in.
    case entra
    /// Google Workspace sign-in.
    case google
    case okta
    case onelogin
    /// PingOne and PingFederate.
    case ping
    case auth0
    /// Active Directory Federation Services.
    case adfs
    /// Shibboleth and other SAML identity providers on their usual paths.
    case shibboleth
    /// Citrix Cloud / Citrix Workspace sign-in (`<customer>.cloud.com`).
    case citrixCloud = "citrix-cloud"

    /// The `category` that marks an identity provider in a pack.
    static let category = "identity"

    /// Every name, for messages.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// `text` as a provider name (trimmed, any case); nil when it names none.
    init?(name text: String) {
        self.init(rawValue: text.trimmingASCIIWhitespace.lowercased())
    }
}
