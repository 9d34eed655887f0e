/**
 * What the ready-to-send admin message asks of the server's administrator, per diagnosis code.
 * Plain words, one request each; the rest of the message (what happened, the evidence) is built
 * from the run itself. Every code must have a text (the Record type enforces it).
 */
import type { DiagnosisCode } from '../../shared/codes';

export interface AdminAsk {
  /** Whether the problem is most likely on the user's side (the message then says so). */
  userSide: boolean;
  ask: string;
}

export const ADMIN_ASKS: Record<DiagnosisCode, AdminAsk> = {
  OK: { userSide: false, ask: 'The connection works now. No action is needed; this report is for your records.' },
  OK_READ_ONLY: { userSide: false, ask: 'I can log in and list my folder. Uploading was not checked; no action is needed unless I report an upload problem.' },
  OK_TRANSPORT: { userSide: false, ask: 'The server answers and its identity checks out. No action is needed unless I report a login or file problem later.' },
  INPUT_HOST_FIELD: { userSide: true, ask: 'The host field on my side held more than a server name. I am fixing that; please just confirm the exact host name and port I should use.' },
  INPUT_WHITESPACE: { userSide: true, ask: 'My settings had stray spaces in them. I am correcting that; please confirm the host name, port and user name I should use.' },
  INPUT_PORT_INVALID: { userSide: true, ask: 'The port number in my settings is not valid. Please tell me which port the SFTP service listens on.' },
  INPUT_HOST_EMPTY: { userSide: true, ask: 'My settings had no server name. Please send me the host name and port of the SFTP service.' },
  INPUT_PASSWORD_CHARACTERS: { userSide: true, ask: 'My password had look-alike characters from copying it (or Caps Lock); corrected, it works. Nothing is needed on your side.' },
  DNS_NOT_FOUND: { userSide: false, ask: 'The host name does not resolve for me. Please confirm the exact name, and whether it only exists on an internal network or VPN.' },
  DNS_FAILED: { userSide: false, ask: 'Name lookup failed on my side. Please confirm the host name, and send me the IP address so I can try it directly.' },
  TCP_REFUSED: { userSide: false, ask: 'Nothing accepts connections on that port. Please check that the SSH/SFTP service is running and listening on this address and port, and that no firewall rejects it.' },
  TCP_TIMEOUT: { userSide: false, ask: 'The connection attempt got no answer at all, which usually means a firewall drops it. Please check that my address is allowed through to the SSH port.' },
  TCP_UNREACHABLE: { userSide: false, ask: 'There is no network route to the server from my side. Please confirm the address, and whether a VPN or allow-list is needed.' },
  TCP_RESET: { userSide: false, ask: 'The server (or something in front of it) cut the connection right away. Please check firewall, fail2ban or similar blocks for my address, and the SSH service limits.' },
  BANNER_CLOSED: { userSide: false, ask: 'The server closed the connection before greeting. Please check the SSH service log for my attempt (MaxStartups, tcp-wrappers or an IP block are common causes).' },
  BANNER_RESET: { userSide: false, ask: 'The connection was reset before the SSH greeting. Please check the SSH service log and any firewall or IPS in front of it for my address.' },
  BANNER_TIMEOUT: { userSide: false, ask: 'The server accepted the connection but never sent its SSH greeting. Please check whether the SSH service is overloaded or hanging (a slow DNS reverse lookup is a classic cause).' },
  PROTOCOL_FTP: { userSide: false, ask: 'This port answers with FTP, not SSH. Please tell me whether you offer SFTP (and on which port), or whether I should use FTP/FTPS instead.' },
  PROTOCOL_NOT_SSH: { userSide: false, ask: 'This port answers, but not with SSH. Please tell me which port the SFTP service listens on.' },
  SSH1_ONLY: { userSide: false, ask: 'The server only speaks the obsolete SSH-1 protocol. Please enable SSH-2 on it; SSH-1 is unsafe and modern clients refuse it.' },
  KEX_NO_COMMON_ALGORITHM: { userSide: false, ask: 'My client and the server share no algorithm in the category marked in the report. Please enable at least one current algorithm from my list on the server (a software update usually does this).' },
  KEX_FAILED: { userSide: false, ask: 'The encryption set-up failed after both sides agreed on algorithms. Please check the SSH service log for my attempt at the time in the report.' },
  HOSTKEY_UNKNOWN: { userSide: false, ask: 'I have not connected to this server before. Please confirm that the host key fingerprint in this report is really your server\'s, so I can trust it.' },
  HOSTKEY_CHANGED: { userSide: false, ask: 'The server\'s identity key is not the one I saved earlier. Please confirm whether the key was changed on purpose (reinstall, new server, migration) and that the new fingerprint in this report is correct. Until then I will not log in.' },
  PROXY_UNREACHABLE: { userSide: true, ask: 'I could not reach the proxy I am told to use. Please confirm the proxy\'s address and port, and whether it is running.' },
  PROXY_AUTH_FAILED: { userSide: true, ask: 'The proxy refused my user name or password. Please confirm which credentials the proxy expects, or reset them.' },
  PROXY_DENIED_TARGET: { userSide: false, ask: 'The proxy would not (or could not) connect me on to the SFTP server. Please allow the server\'s host and port in the proxy\'s rules, or check that the proxy can reach it.' },
  JUMP_HOST_FAILED: { userSide: false, ask: 'The jump host in front of the SFTP server failed (see its own diagnosis in the evidence). Please check the jump host for the problem named there.' },
  JUMP_FORWARDING_DENIED: { userSide: false, ask: 'The jump host refuses to forward my connection to the SFTP server. Please allow TCP forwarding for my account to that host and port (sshd_config AllowTcpForwarding / PermitOpen, or the restrict / no-port-forwarding / permitopen options of my key in authorized_keys).' },
  KEY_IS_PUBLIC: { userSide: true, ask: 'I selected my public key where the private key belongs. I am fixing that; nothing is needed on the server unless my key is not yet installed.' },
  KEY_NEEDS_PASSPHRASE: { userSide: true, ask: 'My key needs its passphrase and none was given. Nothing is needed on the server.' },
  KEY_WRONG_PASSPHRASE: { userSide: true, ask: 'The passphrase I gave for my key was wrong. Nothing is needed on the server.' },
  KEY_UNSUPPORTED_FORMAT: { userSide: true, ask: 'My key file is in a format the client cannot use. I will convert it; nothing is needed on the server.' },
  KEY_CORRUPT: { userSide: true, ask: 'My key file is damaged. If I send you a new public key, please install it for my account.' },
  KEY_NOT_FOUND: { userSide: true, ask: 'The key file named in my settings does not exist on my machine. Nothing is needed on the server yet.' },
  AUTH_PASSWORD_REJECTED: { userSide: false, ask: 'The server refused my password. Please check that the account exists, is not locked or expired, and reset the password if needed.' },
  AUTH_ROOT_DENIED: { userSide: false, ask: 'Logging in as root is refused, which is a sensible default. Please give me a personal account for file transfers instead.' },
  AUTH_PASSWORD_NOT_ALLOWED: { userSide: false, ask: 'The server does not accept passwords for this account. Please install my public key (in key.json when attached) for my account, or tell me which login method to use.' },
  AUTH_KEY_REJECTED: { userSide: false, ask: 'The server did not accept my key. Please add the public key line from key.json to ~/.ssh/authorized_keys of my account, and check that the .ssh folder and file are not writable by others.' },
  AUTH_KEY_ALGORITHM_REJECTED: { userSide: false, ask: 'The server refused the signature algorithm of my key. Please allow rsa-sha2-256/512 (or tell me which key types you accept) so I can use a suitable key.' },
  AUTH_TOO_MANY_FAILURES: { userSide: false, ask: 'The server stopped after too many login attempts. Please check MaxAuthTries, and tell me which key or method I should use so I can offer only that one.' },
  AUTH_PASSWORD_EXPIRED: { userSide: false, ask: 'The server says my password has expired. Please reset it, or tell me how to change it.' },
  AUTH_PARTIAL: { userSide: false, ask: 'The server wants a second login step after the first one succeeded. Please tell me which second factor it expects and how to set it up.' },
  AUTH_NO_SUPPORTED_METHOD: { userSide: false, ask: 'The server offers no login method that I can use. Please tell me how accounts are meant to log in (password, key, one-time code).' },
  AUTH_NO_CREDENTIALS: { userSide: true, ask: 'I did not give a password or key. Please tell me which login method this account uses.' },
  SFTP_SUBSYSTEM_UNAVAILABLE: { userSide: false, ask: 'Login works, but the SFTP service is not available. Please enable the sftp subsystem in the SSH server configuration (Subsystem sftp ...) for my account.' },
  SFTP_LOGIN_SCRIPT_OUTPUT: { userSide: false, ask: 'A login script prints text for non-interactive sessions, which breaks SFTP. Please make the shell start-up files of my account print nothing unless the session is interactive.' },
  AUTH_ACCOUNT_EXPIRED: { userSide: false, ask: 'The server says my account has expired (its message is in the report). Please extend the account\'s expiry date (chage -E / usermod -e).' },
  AUTH_ACCOUNT_LOCKED: { userSide: false, ask: 'The server says my account is locked after failed logins (its message is in the report). Please unlock it (for pam_faillock: faillock --reset --user <name>); I will then log in once with the right password.' },
  AUTH_ACCOUNT_REFUSED: { userSide: false, ask: 'The server checked my password and then refused the account itself. Please look in the SSH service log at the time of my attempt for the line quoted in the report (for PAM: "Access denied for user ... by PAM account configuration") and the rule behind it (pam_access, pam_time, pam_nologin, an expiry date).' },
  SESSION_WRONG_USER: { userSide: true, ask: 'The server asks me to log in as another user (its message is in the report). I am switching to that user; please tell me if I should use a different account.' },
  SESSION_FORCED_COMMAND: { userSide: false, ask: 'After login, my account runs a program of its own instead of SFTP (a forced command or restricted shell; its output is in the report). Please tell me which service the account is for, or allow SFTP for it (e.g. ForceCommand internal-sftp).' },
  SESSION_SFTP_ONLY: { userSide: true, ask: 'The server says my account allows SFTP only. I am switching to SFTP; nothing is needed unless I should have SCP or shell access.' },
  SFTP_HOME_MISSING: { userSide: false, ask: 'The server cannot enter my account\'s home folder (its message is in the report), so my sessions start in "/". Please create the home folder (owned by my account) or set the right one.' },
  SESSION_CLOSED_AFTER_AUTH: { userSide: false, ask: 'The server closes the session right after login. Please check the account\'s shell, a ForceCommand or chroot setting, and the SSH service log for my attempt.' },
  SFTP_WRITE_DENIED: { userSide: false, ask: 'I can log in and list files, but I cannot create a file in the folder shown in the report. Please give my account write access there, or tell me which folder I should upload to.' },
  SFTP_DISK_FULL: { userSide: false, ask: 'Uploads fail because the file system (or my quota) is full, as the report shows. Please free space or raise my quota.' },
  SFTP_WRITE_FAILED: { userSide: false, ask: 'I can log in and list files, but writing a file fails at the step shown in the report. Please check the server log (journalctl -u ssh or /var/log/auth.log) at that time.' },
  SESSION_DROPPED_IDLE: { userSide: false, ask: 'Idle SFTP connections are cut after the time shown in the report. If a firewall or NAT gateway on your side times connections out, please raise its idle timeout, or set ClientAliveInterval on the SSH server.' },
  SFTP_PERMISSION_DENIED: { userSide: false, ask: 'I can log in, but I may not read the folder shown in the report. Please check the folder permissions (or chroot set-up) for my account.' },
  CANCELLED: { userSide: true, ask: 'I stopped the check before it finished; the report shows how far it got.' },
  INTERNAL_ERROR: { userSide: true, ask: 'The checking tool itself failed. The report is attached in case the details help; no action may be needed on your side.' },
};
