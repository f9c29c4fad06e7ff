# ensure_nginx: the nginx binary, for `nginx -t` on the generated edge configuration (tests/test_edge.py).
# Only the binary is needed: no server is started. Installs nginx-light from apt when missing and root may;
# apt does not start services in containers, and nothing here starts one.
ensure_nginx() {
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing nginx-light from apt..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    echo "error: nginx is needed to check the generated edge configuration (nginx -t): install it (apt-get install nginx-light)" >&2
    return 1
  fi
}
