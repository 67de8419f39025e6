#!/usr/bin/env bash
# Creates the credentials compose.yaml needs, once: random hex passwords (URL- and connection-string-safe) in
#   deploy/secrets/postgres-password   the PostgreSQL password (POSTGRES_PASSWORD_FILE of the postgres service)
#   deploy/secrets/pgpass              the same password in pgpass format (Passfile= of the server's connection string)
#   deploy/.env                        RABBITMQ_PASSWORD=... (the broker's default user and the server's AMQP URI)
# Existing values are kept, so it is safe to run again. Both files and .env are git-ignored (deploy/.gitignore).
# PostgreSQL and RabbitMQ take the password only when their data volume is first initialised: after changing it,
# change it in the running service too (ALTER ROLE / rabbitmqctl change_password), or `down -v` to start afresh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
random_hex() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

umask 077
mkdir -p secrets
chmod 700 secrets
if [[ ! -s secrets/postgres-password ]]; then
  random_hex >secrets/postgres-password
  echo "wrote deploy/secrets/postgres-password"
fi
password=$(<secrets/postgres-password)
# hostname:port:database:username:password. Wildcards, so renaming the host or database needs no change.
printf '*:*:*:crossroads:%s\n' "$password" >secrets/pgpass
echo "wrote deploy/secrets/pgpass"
# Bind-mounted secrets keep the host file mode; the containers run as 1654 (server) and 999 (postgres).
# The 0700 directory keeps other host users out.
chmod 644 secrets/postgres-password secrets/pgpass

touch .env
if ! grep -q '^RABBITMQ_PASSWORD=' .env; then
  printf 'RABBITMQ_PASSWORD=%s\n' "$(random_hex)" >>.env
  echo "added RABBITMQ_PASSWORD to deploy/.env"
fi
