#!/bin/sh
# Run inside the prefork container after its converge (php_mode=mod_php, apache_mpm=prefork):
# move the Python app from its daemon process group into Apache's prefork children
# (mod_wsgi embedded mode), the model the seed warns against. Only the bench does this;
# the collection has no switch for it. A re-converge puts the daemon back.
set -eu
app_dir=${1:-/srv/hybrid-web/app}
conf=/etc/apache2/conf-available/hybrid-web-wsgi.conf
sed -i 's/^\( *WSGIRestrictEmbedded\) On/\1 Off/' "$conf"
# The daemon's python-path= goes with its WSGIDaemonProcess line; embedded mode needs it server-wide.
grep -q '^ *WSGIPythonPath ' "$conf" || sed -i "s|^\( *\)WSGIRestrictEmbedded Off|&\n\1WSGIPythonPath $app_dir|" "$conf"
vhost=/etc/apache2/sites-available/hybrid.conf
sed -i -e '/^ *WSGIDaemonProcess /d' \
    -e 's/^\( *WSGIProcessGroup\) .*/\1 %{GLOBAL}/' \
    -e 's/ process-group=[^ ]*//' "$vhost"
apache2ctl -t
systemctl restart apache2
