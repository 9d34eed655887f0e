/**
 * Every sentence SFTP Doctor shows for a diagnosis, a fix or an action, in English, as data keyed
 * by code or id (for review and translation: a second language is a sibling file with the same
 * types). Typed as Records over all codes and ids: adding a code to shared/codes.ts or a fix to
 * shared/fixes.ts without its texts does not compile. Placeholders in {braces} are filled from the
 * run or the fix's params; fillTemplate leaves an unknown placeholder as written so a test catches it.
 */
import type { DiagnosisCode, WarningCode } from '../codes';
import type { AdminTopic } from '../actions';
import type { FixId } from '../fixes';

export interface CodeText {
  title: string;
  /** What happened and why, in plain words. */
  explanation: string;
  /** What to do next. */
  nextStep: string;
}

export const TEXTS: Record<DiagnosisCode, CodeText> = {
  OK: {
    title: 'Everything works',
    explanation: 'We reached the server, checked its identity, logged in and opened the file session. The start folder could be listed. How long each step took is listed with the steps.',
    nextStep: 'You can use these settings in your SFTP program as they are.',
  },
  OK_READ_ONLY: {
    title: 'Connected and listed; uploading was not checked',
    explanation: 'We reached the server, checked its identity, logged in, opened the file session and listed the start folder. Writing a file was not tried (the write test was switched off, or the site uses SCP), so this does not tell whether uploads work.',
    nextStep: 'For a read-only account this is all there is to check. To know whether uploads work, run the check again with the write test on.',
  },
  OK_TRANSPORT: {
    title: 'The server answers and its identity is verified',
    explanation: 'We reached {host} on port {port}, the SSH server greeted us, we agreed on encryption and the server proved it holds the key we trust. Logging in was not part of this check.',
    nextStep: 'The connection itself is fine. If logging in fails, check the user name, the password or the key next.',
  },
  INPUT_HOST_FIELD: {
    title: 'The host field holds more than a host name',
    explanation: 'The host field should contain only the server name or address, like sftp.example.com. What was typed also contains other parts (a protocol such as sftp://, a user name before @, a port after a colon, a folder, or spaces), and a program would look for a server literally called that.',
    nextStep: 'Let us split it into the right fields (see the fix), then connect again.',
  },
  INPUT_WHITESPACE: {
    title: 'A space before or after the user name or password',
    explanation: 'The login was refused, and the user name or password has a space at its start or end. This usually comes from copying it out of an e-mail or a document. The server compares every character, so the extra space makes it wrong. (We do not show the password.)',
    nextStep: 'Remove the spaces before and after the value, then try again.',
  },
  INPUT_PORT_INVALID: {
    title: 'The port is not a valid number',
    explanation: 'A port is a whole number from 1 to 65535. What was typed is not one, so no connection can be made. SFTP servers normally use port 22.',
    nextStep: 'Enter the port your provider gave you, or 22 if you were not given one.',
  },
  INPUT_HOST_EMPTY: {
    title: 'No server name given',
    explanation: 'The host field is empty, so we do not know which server to contact.',
    nextStep: 'Type the server name or address you were given (for example sftp.example.com), then connect.',
  },
  INPUT_PASSWORD_CHARACTERS: {
    title: 'The password works once its look-alike characters are corrected',
    explanation: 'The server refused the password as typed. We tried it once more with one correction (named in the evidence), and the server accepted it. The password was probably copied from a document, chat or e-mail that turned plain characters into look-alikes (curly quotes, non-breaking spaces, long dashes), or typed with Caps Lock on. We never show or store the password.',
    nextStep: 'Let the fix correct the password in the form, and correct it wherever you keep it, so your other programs work too.',
  },
  DNS_NOT_FOUND: {
    title: 'The server name {host} does not exist',
    explanation: 'We asked the name system (DNS) where {host} is, and it answered that no such name exists. Usually the name has a typo, a wrong ending, or was never set up. A name that was created very recently can also take a while to be known everywhere.',
    nextStep: 'Check the spelling against what your provider sent you. If we found a similar name that does exist, it is offered as a fix.',
  },
  DNS_FAILED: {
    title: 'The server name could not be looked up',
    explanation: 'We could not get any answer from the name system (DNS) about {host}. This is not a "does not exist" answer: the lookup itself failed. It usually means this computer has no working network or name server right now, or a VPN or firewall is in the way.',
    nextStep: 'Check that this computer is online (open a web page), then try again. If it still fails, try the server\'s IP address instead of its name.',
  },
  TCP_REFUSED: {
    title: 'The server refused the connection on port {port}',
    explanation: 'The computer at that address answered at once, but nothing accepts connections on port {port}. Usually the port is wrong, the SSH service is not running, or a firewall rejects it.',
    nextStep: 'Check the port with your provider. If we found an SSH server on another port, a fix offers to use it.',
  },
  TCP_TIMEOUT: {
    title: 'No answer from the server on port {port}',
    explanation: 'We sent connection requests to {host} on port {port} and got no reply at all before the time ran out. A firewall that silently drops connections does this, as does an address that is not on-line, or a server that only admits certain IP addresses.',
    nextStep: 'Check the host and port. If your provider only allows listed IP addresses, ask them to add yours. If you are on a company network, ask whether outgoing SSH (port {port}) is allowed.',
  },
  TCP_UNREACHABLE: {
    title: 'The server\'s network cannot be reached',
    explanation: 'A router on the way answered that there is no route to {host}. The address may be wrong or private (only reachable inside another network), the server may be down, or a firewall rejects the traffic.',
    nextStep: 'Check the address. If the server is on a company or home network, connect to that network (for example with its VPN) first.',
  },
  TCP_RESET: {
    title: 'The connection was cut off',
    explanation: 'The connection to the server was reset: something on the way, or the server itself, abruptly ended it. Firewalls and intrusion-protection systems do this when they dislike a connection, and so does a server that crashes or is restarting.',
    nextStep: 'Try again in a minute. If it keeps happening, send the evidence to the server\'s administrator.',
  },
  BANNER_CLOSED: {
    title: 'The server hung up before saying hello',
    explanation: 'The connection opened, but the server closed it without sending the SSH greeting. This is typical when the server blocks your IP address (for example after too many failed logins, by fail2ban or a similar tool), when it is too busy to take more connections (MaxStartups), or when the port is not an SSH service.',
    nextStep: 'Wait a few minutes and try again. If it keeps happening, ask the administrator whether your IP address is blocked.',
  },
  BANNER_RESET: {
    title: 'The connection was reset before the server said hello',
    explanation: 'The connection opened, then was abruptly cut before the SSH greeting arrived. A firewall, an intrusion-protection system or a server refusing your address usually does this.',
    nextStep: 'Try again later. If it keeps happening, ask the administrator to check whether your IP address is blocked or filtered.',
  },
  BANNER_TIMEOUT: {
    title: 'The server accepted the connection but said nothing',
    explanation: 'An SSH server greets the client right after the connection opens. This one stayed silent until the time ran out. The server may be overloaded, a network device may be holding the connection, or the port belongs to a service that waits for the client to speak first (not SSH).',
    nextStep: 'Check the port. If it is right, try again later, and ask the administrator to look at the SSH server if the silence continues.',
  },
  PROTOCOL_FTP: {
    title: 'This is an FTP server, not SFTP',
    explanation: 'The server on port {port} greeted us in the FTP language. FTP and SFTP have similar names but are entirely different protocols: an SFTP program cannot talk to an FTP server. Either the port is the FTP one (often 21) or the account only offers FTP.',
    nextStep: 'Use the SSH port (often 22) if the server has one, or switch your program to FTP/FTPS if that is what your provider offers.',
  },
  PROTOCOL_NOT_SSH: {
    title: 'Something other than an SSH server answered',
    explanation: 'The service on port {port} does not speak SSH: it sent data that is not an SSH greeting (see the first bytes in the evidence). Web servers (HTTP/HTTPS), mail servers and other services live on other ports.',
    nextStep: 'Use the SSH port of this server (usually 22). If we found it, a fix sets it in one click.',
  },
  SSH1_ONLY: {
    title: 'The server only speaks the old SSH-1 protocol',
    explanation: 'The server announced SSH protocol version 1, which has known security flaws and was retired decades ago. Modern programs, including this one, only speak SSH-2.',
    nextStep: 'Ask the administrator to upgrade or reconfigure the SSH server to offer SSH-2. There is no safe way to connect as it is.',
  },
  KEX_NO_COMMON_ALGORITHM: {
    title: 'No common encryption method',
    explanation: 'Before anything else, the client and server must agree on methods for encryption and for checking the server\'s identity. For {category}, the server only offers methods that we do not use by default, usually because they are old and considered weak.',
    nextStep: 'Best: ask the administrator to enable modern methods. If you must connect now, you can allow the listed weak methods for this one site only.',
  },
  KEX_FAILED: {
    title: 'The encrypted connection could not be set up',
    explanation: 'The server greeted us as an SSH server, but setting up encryption failed: it sent data we could not read, stopped answering, or closed the connection. Broken network equipment, a proxy that tampers with traffic, or a faulty server can cause this.',
    nextStep: 'Try again. If it keeps failing, send the evidence to the administrator; trying from another network can show whether something on the way is at fault.',
  },
  HOSTKEY_UNKNOWN: {
    title: 'First connection: confirm the server\'s identity',
    explanation: 'Every SSH server has a key that identifies it. We have not seen this server\'s key before, so we cannot yet tell whether we are talking to the real server or to an impostor. Nothing secret has been sent.',
    nextStep: 'Compare the fingerprint shown with the one your provider publishes (or ask them). If it matches, trust the key; we will check it automatically from then on.',
  },
  HOSTKEY_CHANGED: {
    title: 'Warning: the server\'s identity changed',
    explanation: 'The server presented a different key than the one recorded for it before. This happens when the server was reinstalled or moved, but it is also exactly what an attacker intercepting the connection would cause. We stopped before sending anything secret.',
    nextStep: 'Do not trust the new key until the administrator confirms the change and the new fingerprint. Only then replace the old key.',
  },
  PROXY_UNREACHABLE: {
    title: 'The proxy {proxy} does not answer',
    explanation: 'This site goes through a proxy, and nothing accepted our connection at the proxy\'s address. The proxy\'s name or port may be wrong, the proxy may be down, or a firewall keeps this computer from reaching it. The SFTP server itself was not contacted.',
    nextStep: 'Check the proxy\'s address and port in the proxy settings (your IT department knows them), and that the proxy is running.',
  },
  PROXY_AUTH_FAILED: {
    title: 'The proxy refused the user name or password',
    explanation: 'The proxy {proxy} asks who you are before it connects anywhere, and it did not accept what was sent ({how}). The SFTP server itself was not contacted.',
    nextStep: 'Check the proxy user name and password (they are usually your company login, not the SFTP account), then try again.',
  },
  PROXY_DENIED_TARGET: {
    title: 'The proxy did not connect to {host}',
    explanation: 'The proxy {proxy} let us in, but would not or could not connect on to {host} port {port}: {why}. The SFTP server itself was not reached.',
    nextStep: 'If the proxy\'s rules forbid it, ask the proxy\'s administrator to allow {host} port {port}. If the proxy could not reach the host, check the name and port, or whether the server is reachable from the proxy\'s network.',
  },
  JUMP_HOST_FAILED: {
    title: 'The jump host {jump} failed: {jumpTitle}',
    explanation: 'This site is reached through the jump host {jump}, and the connection stopped there, before the SFTP server was contacted. What went wrong on the jump host: {jumpExplanation}',
    nextStep: '{jumpNextStep} All of this concerns the jump host {jump}, not the SFTP server.',
  },
  JUMP_FORWARDING_DENIED: {
    title: 'The jump host {jump} does not forward connections',
    explanation: 'We logged in to the jump host {jump}, but it refused to open a connection on to {host} port {port} ("{why}"). OpenSSH does this when its configuration says AllowTcpForwarding no, when PermitOpen does not list this destination, or when the key used carries the restrict or no-port-forwarding option in authorized_keys.',
    nextStep: 'Ask the administrator of the jump host to allow forwarding to {host} port {port} for your account (the message for them is ready).',
  },
  KEY_IS_PUBLIC: {
    title: 'This is a public key, not a private key',
    explanation: 'To log in with a key you need the private half, which stays on your computer. The file you chose is the public half (often ending in .pub), which belongs on the server.',
    nextStep: 'Choose the matching private key file (usually the same name without .pub).',
  },
  KEY_NEEDS_PASSPHRASE: {
    title: 'The key is protected by a passphrase',
    explanation: 'The private key file is encrypted with a passphrase, and none was given, so the key cannot be used.',
    nextStep: 'Enter the key\'s passphrase and try again.',
  },
  KEY_WRONG_PASSPHRASE: {
    title: 'Wrong passphrase for the key',
    explanation: 'The key file itself is fine, but the passphrase given does not unlock it (its built-in check did not match).',
    nextStep: 'Type the passphrase again, minding upper and lower case. If it is lost, you will need a new key.',
  },
  KEY_UNSUPPORTED_FORMAT: {
    title: 'The key is in a format that cannot be used as it is',
    explanation: 'The file holds a key, but in a format that SSH-2 logins cannot use directly (for example an old SSH-1 key or a format from another program).',
    nextStep: 'Convert the key with the fix offered (your original file is kept), or make a new Ed25519 key.',
  },
  KEY_CORRUPT: {
    title: 'The key file is damaged',
    explanation: 'The file looks like a key but parts of it are missing or broken, often from an incomplete copy or a text editor changing it.',
    nextStep: 'Copy the key file again from its original place, or make a new key.',
  },
  KEY_NOT_FOUND: {
    title: 'The key file was not found',
    explanation: 'No file exists at the path given for the private key, or it cannot be read.',
    nextStep: 'Choose the key file again.',
  },
  AUTH_PASSWORD_REJECTED: {
    title: 'The user name or password was not accepted',
    explanation: 'The server refused the login. For safety, servers never say whether the user name or the password was wrong. Common slips: Caps Lock, 0 and O or 1 and l mixed up, a space copied along, or an e-mail address typed where a user name is expected.',
    nextStep: 'Retype both carefully. If it still fails, ask your provider to confirm the user name and reset the password.',
  },
  AUTH_ROOT_DENIED: {
    title: 'Logging in as root is not allowed',
    explanation: 'You tried to log in as "root" with a password, and the server refused. Most servers forbid root logins with a password, on purpose.',
    nextStep: 'Log in with your own user account instead (ask the administrator for one), or with a key if root logins by key are allowed.',
  },
  AUTH_PASSWORD_NOT_ALLOWED: {
    title: 'This server does not accept passwords',
    explanation: 'The server only allows other ways to log in (see the methods in the evidence), usually a key. No password will work, however correct.',
    nextStep: 'Log in with a private key. If you do not have one, make one and give the public half to the administrator.',
  },
  AUTH_KEY_REJECTED: {
    title: 'The server did not accept the key',
    explanation: 'We offered the key, but the server does not have it on its list for this user, or it ignores that list because of wrong owners or permissions on the home folder, ~/.ssh or authorized_keys. Where we could also log in with the password, we looked at those files on the server; what we found is in the evidence.',
    nextStep: 'Put the public key in ~/.ssh/authorized_keys on the server for this user, with ~/.ssh set to 700 and the file to 600 (the fixes offered do it when the password works), or send the public key line from the evidence to the administrator.',
  },
  AUTH_KEY_ALGORITHM_REJECTED: {
    title: 'The server no longer accepts this type of key',
    explanation: 'The key uses a type the server refuses as too weak: DSA keys are switched off in current servers, and some servers accept no RSA signatures, or only the old SHA-1 kind. The key itself may be fine; the server will not take this kind.',
    nextStep: 'Make a new Ed25519 key and give its public half to the administrator.',
  },
  AUTH_TOO_MANY_FAILURES: {
    title: 'Too many login attempts',
    explanation: 'The server hung up because too many ways to log in were tried. Servers count every key offered as one attempt, so this usually happens when a key agent (ssh-agent, Pageant) holds many keys and offers them all before the right one or the password.',
    nextStep: 'Use only the selected key for this site (see the fixes), then try again.',
  },
  AUTH_PASSWORD_EXPIRED: {
    title: 'The password has expired',
    explanation: 'The server knows the password, but it has expired: you must choose a new one before the server lets you work. File transfer programs often cannot show this question, so they just fail.',
    nextStep: 'Set a new password with the fix offered, then log in with it.',
  },
  AUTH_PARTIAL: {
    title: 'A second login step is required',
    explanation: 'The server wants more than was given: after one accepted step it requires another (see the evidence), such as a password after a key, or a one-time code it asked for and nobody could answer here.',
    nextStep: 'Give the second item the server asks for (the key, the password, or the code when it asks), then try again.',
  },
  AUTH_NO_SUPPORTED_METHOD: {
    title: 'No login method we can use',
    explanation: 'The server only offers ways of logging in that this program cannot do (see the list in the evidence), such as Kerberos (gssapi) or host-based login.',
    nextStep: 'Ask the administrator to allow password or key logins for your account.',
  },
  AUTH_NO_CREDENTIALS: {
    title: 'No password or key given',
    explanation: 'The server needs you to prove who you are, but nothing it accepts was given: no password, no key it takes (and no key in a running key agent that it took). The methods the server allows are listed in the evidence.',
    nextStep: 'Enter your password or choose your private key, then connect.',
  },
  AUTH_ACCOUNT_EXPIRED: {
    title: 'The account has expired',
    explanation: 'The server said so in its own words (quoted in the evidence): the account has an end date, and it has passed. This is not a wrong password: the password may be right, and no retyping or new password helps. Only the administrator can extend the account.',
    nextStep: 'Send the administrator the message from the evidence and ask them to extend the account (chage -E or usermod -e on Linux).',
  },
  AUTH_ACCOUNT_LOCKED: {
    title: 'The account is locked',
    explanation: 'The server said in its own words (quoted in the evidence) that the account is locked, usually after too many failed logins. While it is locked, every password is refused, the right one included, and each new try can extend the lock.',
    nextStep: 'Stop trying for now. Wait until the lock ends (the server may say how long), or ask the administrator to unlock it (faillock --reset --user NAME), then log in once with the right password.',
  },
  AUTH_ACCOUNT_REFUSED: {
    title: 'The server refused the account, not the password',
    explanation: 'The password was checked, then the server ended the login because of a rule about the account itself: an access list (who may log in from where), login times, a maintenance lock, or an expired account. Where the server gave a reason, it is quoted in the evidence; the evidence also lists the possible rules, most likely first, and the server log line for each.',
    nextStep: 'Send the evidence to the administrator: they can find the rule in the server log at the time of this login.',
  },
  AUTH_METHOD_NOT_IN_SITE: {
    title: 'The password works, but only over {method}, which this site leaves out',
    explanation: 'This site is set to log in with {siteMethods} only. The server did not accept the password that way, so we tried the same password once over {method} (the server allows it), and the server accepted it. SSH has two ways to send a password: "password" and "keyboard-interactive" (a dialog, often run by PAM); servers often allow only one of them, and SFTP programs set to the other one fail with "Permission denied" or "No supported authentication methods".',
    nextStep: 'Let this site use {method} too (the fix does it and checks again). In your SFTP program, turn on the same method: in WinSCP, Advanced > SSH > Authentication > "Attempt keyboard-interactive authentication"; in OpenSSH, PreferredAuthentications and KbdInteractiveAuthentication / PasswordAuthentication.',
  },
  AUTH_KEY_SIGNATURE_ALGORITHM: {
    title: 'The server takes this key only when it signs with {algorithm}',
    explanation: 'An RSA key can sign a login in three ways: rsa-sha2-512, rsa-sha2-256 and the old ssh-rsa (SHA-1). The server named {refused} among the ones it accepts, so we signed with it, and it refused the key. Signed once more with {algorithm}, the same key was accepted: the server is set to take only some of these (OpenSSH: PubkeyAcceptedAlgorithms), while the list it announces still names the others.',
    nextStep: 'Let this site sign with {algorithm} (the fix does it and checks again). OpenSSH, PuTTY, WinSCP and FileZilla sign with rsa-sha2-512 where the server names it; for a server that takes only ssh-rsa, OpenSSH needs "PubkeyAcceptedAlgorithms +ssh-rsa" for this host. For a lasting cure, ask the administrator to accept rsa-sha2-512 and rsa-sha2-256, or use an Ed25519 key.',
  },
  SFTP_SUBSYSTEM_UNAVAILABLE: {
    title: 'The server does not offer SFTP',
    explanation: 'Logging in worked, but the server has no SFTP service switched on (its configuration has no "Subsystem sftp" line, or it is not allowed for this account). We checked whether the older SCP method works instead; the answer is in the evidence.',
    nextStep: 'Use SCP for this site if it works (see the fixes), or ask the administrator to enable SFTP.',
  },
  SFTP_LOGIN_SCRIPT_OUTPUT: {
    title: 'A login script prints text and breaks SFTP',
    explanation: 'Logging in worked, but a start-up file of your account\'s shell on the server prints text (shown in the evidence) every time a session starts, even for file transfers. SFTP expects only its own data, so programs read the first letters of that text as a gigantic message size (for example 1214606444, which is simply "Hell" of "Hello") and give up.',
    nextStep: 'Make the start-up file print only in interactive sessions: put the guard shown in the evidence at its top (the fix does it), or ask the administrator to.',
  },
  SESSION_CLOSED_AFTER_AUTH: {
    title: 'The server closed the session right after login',
    explanation: 'Logging in worked, but the server ended the session before SFTP could start. This is a setting on the server, not a problem with your password or program. The likely causes, most likely first, are listed in the evidence with what the administrator should check.',
    nextStep: 'Send the evidence to the administrator and ask them to look at the server log (for OpenSSH: journalctl -u ssh, or /var/log/auth.log) at the time of this login.',
  },
  SFTP_PERMISSION_DENIED: {
    title: 'Connected, but the start folder {folder} cannot be opened',
    explanation: 'The SFTP session works, but the folder it should start in cannot be listed: the server says it does not exist or that this account may not read it. The evidence shows the folder and the folder above it as the server reports them (owner, group, mode), and whether the account is locked in a folder of its own (chroot).',
    nextStep: 'Choose another start folder, or ask the administrator to give your account access to this one.',
  },
  SESSION_WRONG_USER: {
    title: 'The server asks you to log in as another user',
    explanation: 'The key was accepted, but this account only prints a message naming the user to log in as, then hangs up (cloud images do this for "root": the key works only with their default user). The message is quoted in the evidence.',
    nextStep: 'Log in as {loginAs} with the same key (the fix changes the user name and checks again).',
  },
  SESSION_FORCED_COMMAND: {
    title: 'Another program runs in place of SFTP',
    explanation: 'Logging in worked, but for this account the server always runs a program of its own choice instead of what is asked (a forced command, or a restricted shell such as git-shell), and that program is not an SFTP server. What it printed is quoted in the evidence. This is not text from your start-up files: changing ~/.bashrc would not help.',
    nextStep: 'Ask the administrator which service this account is meant for, or to allow SFTP (for example "ForceCommand internal-sftp" in sshd_config, or removing the command= option in front of the key).',
  },
  SESSION_SFTP_ONLY: {
    title: 'This account allows SFTP only',
    explanation: 'The server told us in its own words (quoted in the evidence) that this account may use SFTP and nothing else: SCP, commands and shells are refused. SFTP itself works.',
    nextStep: 'Use SFTP for this site (the fix switches to it and checks again).',
  },
  SFTP_HOME_MISSING: {
    title: 'The home folder of the account cannot be used',
    explanation: 'SFTP works, but the server could not enter the home folder set for this account (its words are quoted in the evidence), so sessions start in the top folder "/" instead. Uploads meant for your home folder will fail or land elsewhere.',
    nextStep: 'Ask the administrator to create the home folder {home} (owned by the account) or to set the right one. Until then, choose an existing start folder.',
  },
  SFTP_WRITE_DENIED: {
    title: 'Connected, but you cannot upload to {folder}',
    explanation: 'Logging in and listing work, but the server refused to create a file in {folder}, so every upload there fails with "Permission denied". The evidence shows the server\'s answer, who owns the folder and its mode, which tells a folder that is read-only on purpose from a permission mistake.',
    nextStep: 'If a writable folder was found nearby, use it (the fix sets it as this site\'s remote folder and checks again). Otherwise ask the administrator for write access, or, for an account that is meant to be read-only, switch the write test off.',
  },
  SFTP_DISK_FULL: {
    title: 'The server has no room for uploads in {folder}',
    explanation: 'Logging in and listing work, but writing a small test file failed, and the server\'s own figures show no free space (or no free file slots) where it should go. OpenSSH answers only "Failure" for this, so programs usually show that word alone. Uploads fail until space is freed.',
    nextStep: 'Delete files you no longer need on the server, or ask the administrator to free space or raise your quota.',
  },
  SFTP_WRITE_FAILED: {
    title: 'Connected, but writing a file failed: {problem}',
    explanation: 'Logging in and listing work, but the write test (create a small file, write it, read it back, rename and remove it) did not go through. The step that failed and the server\'s answer are in the evidence.',
    nextStep: 'Send the evidence to the administrator. If only renaming fails, set your program to upload without a temporary name (WinSCP: Preferences, Transfer, Endurance, "Enable transfer resume" off).',
  },
  SESSION_DROPPED_IDLE: {
    title: 'The connection is dropped when idle ({survived})',
    explanation: 'Everything worked, but after a while without traffic the connection died. Routers, NAT gateways and firewalls forget connections that stay silent for a while; the next transfer then fails with "connection reset", "Software caused connection abort" or "Server unexpectedly closed network connection", or just hangs.',
    nextStep: 'Send a keepalive more often than the connection survived idle (the fix does it for this site and checks again by staying connected as long). In other programs: WinSCP Connection, "Sending of null SSH packets"; PuTTY "Seconds between keepalives"; OpenSSH ServerAliveInterval.',
  },
  CANCELLED: {
    title: 'Check cancelled',
    explanation: 'The check was stopped before it finished, so there is no verdict.',
    nextStep: 'Start it again when you are ready.',
  },
  INTERNAL_ERROR: {
    title: 'Something went wrong inside SFTP Doctor',
    explanation: 'The check stopped because of a problem in this program, not necessarily in your connection.',
    nextStep: 'Try again. If it happens again, export a support bundle and send it to us.',
  },
};

/**
 * Why a session can end right after login, each with what the administrator should check. The
 * rules list the ones that fit the evidence, most likely first.
 */
export const SESSION_CAUSES = {
  chroot: 'A locked-down folder (ChrootDirectory) whose path is not owned by root or can be written by others: sshd then drops the connection. Check that every folder of that path belongs to root and is not group- or world-writable (chmod 755), and the server log for "bad ownership or modes for chroot directory".',
  shell: 'The account\'s shell forbids sessions (/bin/false or /usr/sbin/nologin) while SFTP runs as an external program (Subsystem sftp /usr/lib/openssh/sftp-server), which is started through that shell. Check the account\'s shell, or use "Subsystem sftp internal-sftp", which needs no shell.',
  nologin: 'The account\'s shell is nologin: it printed its refusal (shown in the evidence) and ended the session. Either give the account a real shell, or use "Subsystem sftp internal-sftp", which does not start the shell.',
  forceCommand: 'A forced command (ForceCommand in sshd_config, or command="..." in front of the key in authorized_keys) fails or is not an SFTP server. Check it; for SFTP-only accounts it should be "ForceCommand internal-sftp".',
  sftpServerMissing: 'The SFTP program named in the server configuration (Subsystem sftp ...) does not exist at that path. Check the path, or use "Subsystem sftp internal-sftp".',
  passwordChange: 'The password must be changed first: the server refuses sessions until then, and this cannot be done without a terminal.',
} as const;

/** Why the start folder was refused, picked by what the server showed of it and its parent. */
export const FOLDER_CAUSES = {
  missingInChroot: 'The folder {folder} does not exist as this account sees the server. The account is locked in a folder of its own (chroot): its "/" is that folder, so a path of the whole server (such as /home/... or /srv/...) means something else here. Pick a folder that exists inside it.',
  missing: 'The folder {folder} does not exist on the server (the folder above it, {parent}, does). A typing mistake in the path, or the folder was moved or removed.',
  missingParent: 'Neither {folder} nor the folder above it, {parent}, exists on the server, as this account sees it.',
  parentClosed: 'Your account may not pass through the folder above it, {parent}: its mode {mode} gives other accounts no "x" (search) permission, so nothing inside it can be opened, whatever the start folder\'s own mode.',
  ownNoRead: 'The folder belongs to your account, but its mode {mode} takes away your own read or search permission ("r" and "x" for its owner). chmod u+rx on it fixes it.',
  otherOwner: 'The folder belongs to {owner} and its mode {mode} does not let other accounts list it (no "r" and "x" for others). If your account should use it, the administrator has to give it access (through its group, or a folder of its own).',
  serverRule: 'The folder\'s mode {mode} lets other accounts read it, yet the server refused: a rule beyond the mode (an access control list, a security module such as SELinux or AppArmor, or the SFTP server\'s own settings) forbids it, or your account is not in a group that is needed.',
  unknown: 'The server did not say who owns the folder or what its mode is, so the reason cannot be narrowed down from here.',
  chrootYes: 'yes: this account sees a folder of its own as "/" (it holds only: {names}), so paths start there',
  chrootNo: 'no: "/" is the server\'s own (it holds {names})',
  chrootUnknown: 'unknown: "/" could not be listed',
} as const;

/** Sentences the write-test and hold rules pick from, by what the evidence shows. */
export const WRITE_CAUSES = {
  rootOwned: 'Read-only by design: the folder belongs to root and your account may not write in it. Servers with a locked-down folder (chroot) are set up this way; uploads go into a subfolder (often upload/ or incoming/) that belongs to you.',
  ownWriteProtected: 'Most likely a permission mistake: the folder belongs to your account but is write-protected (no "w" for its owner in its mode). chmod u+w on it (or asking the administrator) fixes it.',
  ownButRefused: 'The folder belongs to your account and its mode allows writing, yet the server refused: a server setting (a read-only SFTP mode such as "internal-sftp -R", or access rules) forbids uploads.',
  otherOwner: 'The folder belongs to another account and does not let yours write. If uploads are meant to go here, the administrator has to give your account write access (group or owner).',
  unknownOwner: 'The server did not tell who owns the folder, so we cannot say whether it is read-only on purpose.',
  readOnlyMount: 'The whole file system is mounted read-only on the server: nobody can write there until the administrator remounts it writable.',
  quotaUnknown: 'Per-user quotas: SFTP has no way to ask for them, so a quota can still be the cause when free space is shown.',
  spaceUnknown: 'unknown: the server does not offer the statvfs@openssh.com extension, so free space could not be checked',
  failureNoSpaceInfo: 'the server answered only "Failure" and does not tell its free space, so a full disk or quota cannot be told apart from another fault',
  failureWithSpace: 'the server answered only "Failure" although it reports free space (a quota, a file-size limit or a server fault)',
  broke: 'the session broke off during the test',
  truncated: 'the server kept fewer bytes than were written',
  altered: 'the file read back differs from what was written',
  vanished: 'the file vanished right after it was written (something on the server moves or deletes uploads at once)',
  renameRefused: 'renaming the uploaded file was refused (programs that upload under a temporary name then fail)',
  removeRefused: 'removing the uploaded file was refused (uploads work, deleting does not)',
  readFailed: 'reading the file back failed',
  silentDrop: 'found by a request after the hold that got no answer; a silent drop shows no exact time',
  oursSlower: 'SFTP Doctor\'s own transfer is well below OpenSSH\'s on the same link, so these figures say more about SFTP Doctor than about the connection; trust OpenSSH\'s figure.',
} as const;

export interface WarningText {
  title: string;
  /** What will fail elsewhere and why, in plain words. */
  explanation: string;
}

/**
 * Warnings on a result that worked (shared/codes.ts WARNING_CODES). Placeholders: {path} the key
 * file, {format} its format in words, {tool} the program, {detail} what was altered, {mode} its mode.
 */
export const WARNING_TEXTS: Record<WarningCode, WarningText> = {
  KEY_OPENSSH_CANNOT_READ: {
    title: 'OpenSSH cannot read this key file',
    explanation:
      'The key {path} logged in here because SFTP Doctor reads {format} keys itself. OpenSSH\'s ssh, sftp and scp, and the programs built on them (Git, rsync, many editors), do not read this format and will refuse the file. The fix writes an OpenSSH copy beside it and leaves the original as it is, for the programs that use it now.',
  },
  KEY_TEXT_DAMAGED: {
    title: '{tool} will refuse this key file as it is',
    explanation:
      'The key {path} was changed on its way here ({detail}). SFTP Doctor undoes such changes when it reads a key, but {tool} reads the file exactly as it is and refuses it. The fix writes the text back as it was first saved, in place, and keeps the file as it is now as a .bak beside it.',
  },
  KEY_FILE_TOO_OPEN: {
    title: 'OpenSSH will ignore this key: others may read it',
    explanation:
      'The key {path} has mode {mode}, so other accounts on this computer may read it. OpenSSH then warns "UNPROTECTED PRIVATE KEY FILE", ignores the key and logs in without it. The fix makes it readable by you only (mode 600); its content stays as it is.',
  },
};

export interface FixText {
  label: string;
  description: string;
}

export const FIX_TEXTS: Record<FixId, FixText> = {
  'split-host-field': { label: 'Split the address into its fields', description: 'Host becomes {host}; the user name, port and folder found in it go into their own fields.' },
  'trim-whitespace': { label: 'Remove the extra spaces', description: 'Removes spaces before and after: {fields}.' },
  'use-port': { label: 'Use port {port}', description: 'An SSH server answered on port {port} of the same host. Sets the port to {port}.' },
  'use-dns-suggestion': { label: 'Use {host}', description: 'This similar name exists: {host}. Sets the host field to it.' },
  'increase-timeout': { label: 'Wait longer', description: 'Runs the check again allowing {seconds} seconds, for slow or distant servers.' },
  'allow-legacy-algorithms': { label: 'Allow weak methods for this site only', description: 'Enables, for this site only: {algorithms}. These are old and weaker; ask the administrator to switch to modern ones.' },
  'trust-host-key': { label: 'Trust this key', description: 'Saves the server key {sha256} in {file}, so it is checked automatically next time. Only do this if the fingerprint matches what your provider publishes.' },
  'connect-once': { label: 'Connect once without saving', description: 'Accepts the key {sha256} for this connection only.' },
  'replace-host-key': { label: 'Replace the recorded key', description: 'Removes the old key {oldSha256} ({file}, line {line}) and saves the new one {sha256}. A backup is kept. Only do this once the administrator confirmed the change.' },
  'choose-private-key': { label: 'Use the private key {path}', description: 'The file given is the public half of a key; its private half is beside it: {path}. Uses that file for this attempt.' },
  'convert-key': { label: 'Convert the key', description: 'Writes a copy of the key in a format that works; the original file stays as it is.' },
  'generate-ed25519-key': { label: 'Make a new Ed25519 key', description: 'Creates a new modern key pair; give its public half to the administrator.' },
  'rewrite-key-file': {
    label: 'Rewrite the key file for {tools}',
    description: 'Puts {path} in the form {tools} read: only you may read it, its text as it was first saved, or an OpenSSH copy beside it, as needed. The original bytes are kept (a .bak beside it, or the file itself), and a key with a passphrase keeps the same passphrase.',
  },
  'identities-only': { label: 'Use only the selected key', description: 'Stops offering the other keys of the key agent for this site.' },
  'change-expired-password': { label: 'Set a new password', description: 'Asks you for a new password and sets it through the server\'s own password change, then connects again.' },
  'fix-authorized-keys-permissions': { label: 'Correct the key file permissions', description: 'Sets {path} to mode {mode} on the server, so SSH accepts it.' },
  'install-public-key': { label: 'Put the public key on the server', description: 'Logs in with the password and adds the public key {fingerprint} to ~/.ssh/authorized_keys for this user.' },
  'use-scp': { label: 'Use SCP for this site', description: 'Transfers files with SCP, which this server supports.' },
  'silence-login-script': { label: 'Stop the start-up file from printing', description: 'Adds this line at the top of {file} so it prints only in interactive sessions: {guard}' },
  'use-remote-folder': { label: 'Use the folder {path}', description: 'A test file could be created in {path}. Sets it as this site\'s remote folder and checks again.' },
  'fix-pasted-password': { label: 'Correct the password', description: 'Uses the password with {what} (the form only; the password is never shown).' },
  'use-user': { label: 'Log in as {user}', description: 'Sets the user name to {user}, as the server asks, and checks again.' },
  'use-sftp': { label: 'Use SFTP for this site', description: 'Switches this site from SCP to SFTP, the only service this account allows, and checks again.' },
  'use-rsa-signature': { label: 'Sign with {algorithm}', description: 'Makes this site sign with its RSA key using {algorithm}, which the server accepts, and checks again.' },
  'use-auth-methods': { label: 'Also log in with {added}', description: 'Lets this site use {added} for the password, as the server wants (login methods: {methods}), and checks again.' },
  keepalive: { label: 'Keep the connection alive', description: 'Sends a small keepalive message every {seconds} s for this site, so idle connections are not cut by a firewall or router.' },
};

export const ACTION_TEXTS = {
  'ask-admin': { label: 'Ask the administrator', description: 'Only the server\'s administrator can change this. Shows a short message with the evidence, ready to copy and send.' },
  'enter-password': { label: 'Enter the password', description: 'Type the password of this account in the Password field (it is case-sensitive), then connect again.' },
  'enter-passphrase': { label: 'Enter the passphrase', description: 'Type the passphrase that protects the key in the Key passphrase field, then connect again.' },
  'enter-privateKey': { label: 'Choose the private key', description: 'Pick your private key file (not the .pub file) in the Private key field, then connect again.' },
  'other-program': {
    label: 'Use an {protocol} program',
    description:
      'This server speaks {protocol}. SFTP Doctor checks SFTP and SCP only, so it cannot connect to it for you or check it: open it with a program set to {protocol} (WinSCP and FileZilla both can). Plain FTP sends your password and files unencrypted; choose "FTP with explicit TLS" (FTPS), and ask your provider whether the account also offers SFTP, which is safer.',
  },
} as const satisfies Record<string, { label: string; description: string }>;

/** What the admin message asks for, by the topic of the action (more precise than the code's ask). */
export const ADMIN_TOPIC_ASKS: Partial<Record<AdminTopic, string>> = {
  algorithms: 'Please enable at least one current algorithm from the list I offer (in the evidence) on the SSH server; a software update usually does this.',
  ssh2: 'Please enable SSH protocol version 2 on the server; version 1 is unsafe and modern programs refuse it.',
  hostkey: 'Please confirm whether the server key was changed on purpose, and send me its fingerprint (ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub shows it) so I can compare.',
  proxy: 'Please allow connections through the proxy to the SFTP server\'s host and port (the proxy\'s answer is in the evidence), or tell me which proxy I should use.',
  forwarding: 'Please allow TCP forwarding on the jump host for my account to the SFTP server\'s host and port: sshd_config AllowTcpForwarding (and PermitOpen, if used), or the restrict / no-port-forwarding / permitopen options of my key in authorized_keys.',
};

/**
 * What the ready-to-send admin message asks of the server's administrator, per diagnosis code.
 * Plain words, one request each; the rest of the message (what happened, the evidence) is built
 * from the run itself.
 */
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
  INPUT_PASSWORD_CHARACTERS: { userSide: true, ask: 'My password had look-alike characters from copying it (or Caps Lock); corrected, it works. Nothing is needed on your side.' },
  INPUT_PORT_INVALID: { userSide: true, ask: 'The port number in my settings is not valid. Please tell me which port the SFTP service listens on.' },
  INPUT_HOST_EMPTY: { userSide: true, ask: 'My settings had no server name. Please send me the host name and port of the SFTP service.' },
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
  AUTH_KEY_SIGNATURE_ALGORITHM: { userSide: true, ask: 'My RSA key is refused with one signature algorithm and accepted with another; I am setting my program to use the one that works. If other users have the same trouble, please check PubkeyAcceptedAlgorithms in sshd_config: the log line "userauth_pubkey: signature algorithm ... not in PubkeyAcceptedAlgorithms" names the refused one.' },
  AUTH_METHOD_NOT_IN_SITE: { userSide: true, ask: 'My password works over another login method than my program used. I am changing my settings; nothing is needed on the server.' },
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

/**
 * "My address" in a firewall or allow-list request: which address that is as this computer sees
 * it, and why the server may see another one. Used by the admin messages and the support bundle.
 */
export const LOCAL_ADDRESS_TEXTS = {
  /** Added after an ask that mentions "my address". */
  myAddress: 'My address, as this computer sees it, is {address}{iface}. If a router, VPN or company gateway in front of it translates addresses (NAT), your side sees that device\'s public address instead: the one in your logs for my attempt at the time above.',
  /** network.json: what the local address means. */
  bundleNote: 'The connection left from {address} port {port}{iface}, as this computer sees it. Behind NAT (a home or office router, a VPN, a company gateway) the server sees another address, the public one of that device; an allow-list needs that public address.',
  bundleNoLocal: 'No connection was opened from this computer, so its local address is not known.',
  /** network.json, when the first hop is a proxy or a jump host: whose allow-list this address is for. */
  bundleFirstHop: 'This computer connected to {hop}, the first hop of the path, from {address} port {port}{iface}, as this computer sees it (behind NAT, {hop} sees the public address of that router or gateway). The server itself sees the address {hop} connects from, not this one: an allow-list on the server needs that one.',
  /** network.json lookups: who looked a name up. */
  byThisComputer: 'this computer (the resolvers listed here)',
  notLookedUp: 'nobody: it is an address, not a name',
  /** ", interface eth0" */
  iface: ' (interface {name})',
} as const;
