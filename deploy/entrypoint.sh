#!/bin/sh
# Point d'entrée de l'image (deploy/Containerfile) : `web` (gunicorn), `worker` (db_worker),
# `manage …` (une commande de manage.py), ou toute autre commande.
# MIGRATE_ON_START=true : migrate + createcachetable avant de servir. Une seule instance à la
# fois doit le faire (celle qu'on démarre en premier, ou un job `manage migrate` à part) :
# deux migrations simultanées de la même base ne sont pas prévues par Django.
set -eu
cd /srv/phares

if [ "${MIGRATE_ON_START:-false}" = "true" ]; then
  python manage.py migrate --noinput
  python manage.py createcachetable
fi

commande="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$commande" in
  web) exec gunicorn -c deploy/gunicorn.conf.py --bind "0.0.0.0:${PORT:-8000}" "$@" ;;
  worker) exec python manage.py db_worker --no-startup-delay "$@" ;;
  manage) exec python manage.py "$@" ;;
  *) exec "$commande" "$@" ;;
esac
