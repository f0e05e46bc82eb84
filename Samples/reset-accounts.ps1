<#
.SYNOPSIS
    Ends the exposure of every account in credwatch's reset list: the leaked password stops
    working now, not at the user's next logon.

.DESCRIPTION
    Reads the CSV that `credwatch scan ... --reset-list reset.csv` writes
    (header: Identity,SamAccountName,UserPrincipalName,Mail,Enabled,Severity,Action,Reasons)
    and, per row, does what its Action says:

    reset           Sets a random password (Set-ADAccountPassword -Reset), then requires a change
                    at next logon. `-ChangePasswordAtLogon` alone is not enough: the leaked
                    password stays valid until someone logs in, and that someone can be the
                    attacker. With -RevokeEntraSessions, also ends the user's Entra ID / Microsoft
                    365 sessions and refresh tokens (Revoke-MgUserSignInSession), which a password
                    change does not end.
    reset-disabled  A disabled account: a random password only (it stays disabled), so that
                    re-enabling it later does not bring the leaked password back.
    manual          A service or shared account (the profile's `service_accounts`): never changed
                    here, since a reset would break what runs with it. Listed at the end for its
                    owner to rotate the secret where it is used.

    The account is found by sAMAccountName when the export has one; otherwise by
    userPrincipalName, then mail, with an LDAP filter (Set-ADUser -Identity does not take those).
    A row that matches no account, or several, is reported and skipped.

    Dry run by default: without -Apply nothing changes and every step is printed as "What if".

        .\reset-accounts.ps1 -Path .\reset.csv                          # dry run: prints what it would do
        .\reset-accounts.ps1 -Path .\reset.csv -Apply                   # asks before each account, then applies
        .\reset-accounts.ps1 -Path .\reset.csv -Apply -RevokeEntraSessions

    Needs the ActiveDirectory module (RSAT) and the right to reset passwords on those accounts;
    -RevokeEntraSessions needs the Microsoft.Graph.Users.Actions module and a Connect-MgGraph
    session with User.RevokeSessions.All. Give users their new password through your usual
    channel (the service desk), never by the mail account that may be compromised.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    # The reset list written by credwatch --reset-list.
    [Parameter(Mandatory = $true)]
    [string] $Path,
    # Change accounts; without it the script only says what it would do.
    [switch] $Apply,
    # Also revoke Entra ID (Microsoft 365) sign-in sessions of each reset account.
    [switch] $RevokeEntraSessions
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory
if (-not $Apply) { $WhatIfPreference = $true }

# A random password AD's complexity rules accept: 24 characters from all four classes.
function New-RandomPassword {
    $classes = @('ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@_')
    $bytes = New-Object byte[] 24
    [System.Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
    $chars = for ($i = 0; $i -lt 24; $i++) { $set = $classes[$i % 4]; $set[$bytes[$i] % $set.Length] }
    ConvertTo-SecureString -String (-join $chars) -AsPlainText -Force
}

# LDAP filter values: escape what RFC 4515 reserves, so a hostile value cannot widen the filter.
function ConvertTo-LdapValue([string] $Value) {
    $Value -replace '\\', '\5c' -replace '\*', '\2a' -replace '\(', '\28' -replace '\)', '\29' -replace "`0", '\00'
}

function Resolve-Account($Row) {
    if ($Row.SamAccountName) { return @(Get-ADUser -Identity $Row.SamAccountName) }
    if ($Row.UserPrincipalName) {
        return @(Get-ADUser -LDAPFilter "(userPrincipalName=$(ConvertTo-LdapValue $Row.UserPrincipalName))")
    }
    if ($Row.Mail) {
        $mail = ConvertTo-LdapValue $Row.Mail
        return @(Get-ADUser -LDAPFilter "(|(mail=$mail)(proxyAddresses=smtp:$mail))")
    }
    return @()
}

# credwatch writes its CSV for spreadsheets too: a cell starting with = + - @ TAB or CR gets a
# leading ' so that no formula runs. AD names may start with - or @: take the ' off again, or
# such an account would never be found and never reset.
function ConvertFrom-SafeCell([string] $Value) {
    if ($Value -match "^'[=+\-@`t`r]") { return $Value.Substring(1) }
    return $Value
}

$rows = @(Import-Csv -LiteralPath $Path | ForEach-Object {
    foreach ($column in 'Identity', 'SamAccountName', 'UserPrincipalName', 'Mail') {
        $_.$column = ConvertFrom-SafeCell $_.$column
    }
    $_
})
Write-Host "$($rows.Count) account(s) in $Path$(if (-not $Apply) { ' (dry run: add -Apply to change them)' })"
$manual = @()

# ShouldProcess prints "What if: ..." in a dry run, and asks before each change otherwise
# (ConfirmImpact High; answer "A" for yes to all, or pass -Confirm:$false in a reviewed run).
foreach ($row in $rows) {
    if ($row.Action -eq 'manual') { $manual += $row; continue }
    try {
        $found = Resolve-Account $row
        if ($found.Count -ne 1) {
            Write-Warning ("{0}: {1} accounts match; skipped, handle it by hand" -f $row.Identity, $found.Count)
            continue
        }
        $user = $found[0]
        $what = if ($row.Action -eq 'reset-disabled') { 'Set a random password (account stays disabled)' }
                else { 'Set a random password, require a change at logon' }
        if (-not $PSCmdlet.ShouldProcess($user.DistinguishedName, $what)) { continue }
        Set-ADAccountPassword -Identity $user -Reset -NewPassword (New-RandomPassword) -Confirm:$false
        if ($row.Action -eq 'reset') {
            Set-ADUser -Identity $user -ChangePasswordAtLogon $true -Confirm:$false
            if ($RevokeEntraSessions -and $user.UserPrincipalName) {
                Revoke-MgUserSignInSession -UserId $user.UserPrincipalName | Out-Null
            }
        }
        Write-Host ("{0,-14} {1,-8} {2,-20} {3}" -f $row.Action, $row.Severity, $user.SamAccountName, $row.Reasons)
    }
    catch {
        # PasswordNeverExpires (often a service account not yet in service_accounts) refuses
        # -ChangePasswordAtLogon: the password was still replaced; say so and go on.
        Write-Warning ("{0}: {1}" -f $row.Identity, $_.Exception.Message)
    }
}

if ($manual.Count -gt 0) {
    Write-Host "`nService and shared accounts to rotate by hand with their owners:"
    foreach ($row in $manual) { Write-Host ("  {0,-20} {1,-8} {2}" -f $row.Identity, $row.Severity, $row.Reasons) }
}
