<#
.SYNOPSIS
    Forces a password change at next logon for every account in credwatch's reset list.

.DESCRIPTION
    Reads the CSV that `credwatch scan ... --reset-list reset.csv` writes
    (header: Identity,SamAccountName,UserPrincipalName,Mail,Severity,Reasons) and runs, for each row:

        Import-Csv reset.csv | ForEach-Object { Set-ADUser -Identity $_.Identity -ChangePasswordAtLogon $true }

    Always review the list and do a dry run first:

        .\reset-accounts.ps1 -Path .\reset.csv -WhatIf      # prints what would change, changes nothing
        .\reset-accounts.ps1 -Path .\reset.csv              # asks before each account, then applies

    Needs the ActiveDirectory module (RSAT) and the right to reset passwords on those accounts.

    What this does NOT do:
    - It does not end sessions that are already open. Tokens and cookies stolen with the password
      (findings with action "revoke-sessions") stay valid until revoked in the application
      (Mediboard, Citrix, Entra ID: Revoke-MgUserSignInSession).
    - Set-ADUser refuses -ChangePasswordAtLogon on accounts with PasswordNeverExpires set (often
      service accounts); those rows are reported as errors and must be handled by hand.
    - A disabled account is changed too, so that it cannot be re-enabled with the leaked password.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    # The reset list written by credwatch --reset-list.
    [Parameter(Mandatory = $true)]
    [string] $Path
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory

$rows = @(Import-Csv -LiteralPath $Path)
Write-Host "$($rows.Count) account(s) in $Path"

# ShouldProcess prints "What if: ..." under -WhatIf, and asks before each change otherwise
# (ConfirmImpact High; answer "A" for yes to all, or pass -Confirm:$false in a reviewed run).
foreach ($row in $rows) {
    if (-not $PSCmdlet.ShouldProcess($row.Identity, 'Require a password change at next logon')) { continue }
    try {
        Set-ADUser -Identity $row.Identity -ChangePasswordAtLogon $true -Confirm:$false
        Write-Host ("{0,-8} {1,-20} {2}" -f $row.Severity, $row.SamAccountName, $row.Reasons)
    }
    catch {
        Write-Warning ("{0}: {1}" -f $row.Identity, $_.Exception.Message)
    }
}
