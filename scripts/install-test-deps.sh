#!/usr/bin/env bash
# Installs the programs the tests run against for real: OpenSSH's server and client, PuTTY's
# tools, Dropbear, Debian's Chromium (Playwright drives it), the network tools used to make
# broken networks, and the proxies of the path tests (dante-server for SOCKS5, tinyproxy for
# HTTP CONNECT), the login shells zsh, csh, tcsh and fish, and a PAM module that asks for one-time codes. Debian/Ubuntu; as root, or through sudo. Does nothing if all are present.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have sshd || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
have ssh || need+=(openssh-client)
have puttygen || need+=(putty-tools)
have dropbear || [ -x /usr/sbin/dropbear ] || need+=(dropbear-bin)
have chromium || need+=(chromium)
have ip || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
have iptables || [ -x /usr/sbin/iptables ] || need+=(iptables)
have unzip || need+=(unzip)
have openssl || need+=(openssl)   # oracle for PKCS#8 keys (old PBES1 schemes)
[ -x /usr/sbin/danted ] || need+=(dante-server)
have tinyproxy || [ -x /usr/bin/tinyproxy ] || need+=(tinyproxy)
# login shells whose start-up files the login-script fix guards (accounts are made with each)
have zsh || need+=(zsh)
[ -x /bin/csh ] || need+=(csh)
have tcsh || need+=(tcsh)
have fish || need+=(fish)
# a PAM module that asks for a one-time code (the second-factor tests)
[ -e /lib/x86_64-linux-gnu/security/pam_google_authenticator.so ] || [ -e /usr/lib/x86_64-linux-gnu/security/pam_google_authenticator.so ] || need+=(libpam-google-authenticator)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
  echo "Test tools already installed."
  exit 0
fi

if ! have apt-get; then
  echo "Please install: ${need[*]} (the tests run them as real servers and oracles)." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then SUDO="sudo"; else
    echo "Installing ${need[*]} needs root: run this as root or install them yourself." >&2
    exit 1
  fi
fi
echo "Installing test tools: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "Test tools installed."
