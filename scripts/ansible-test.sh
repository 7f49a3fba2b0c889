#!/usr/bin/env bash
# Run `ansible-test sanity` and `ansible-test units` the way collection users' CI does. ansible-test only works
# inside an ansible_collections/<namespace>/<name> tree, so it runs on a copy of the working tree's files there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.venv/bin"
tree="$root/.cache/ansible-test/ansible_collections/hybrid/web"
python_version="$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

echo "ansible-test: copying the collection to $tree"
rm -rf "$tree"
mkdir -p "$tree"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) | tar -xf - -C "$tree"
# ansible-test lists a collection's files through git; the copy must be its own repository, or git would
# answer for the enclosing checkout, where .cache/ is ignored.
git -C "$tree" init -q
git -C "$tree" add -A

# ansible-test bootstraps pip in its venvs with a script from its CI file host. Where that host cannot be
# reached, a stand-in that uses ensurepip takes the cached script's place (see scripts/get_pip_standin.py).
requirements="$("$bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py"
pip_version="$(grep -oP "pip='\K[0-9.]+" "$requirements")"
cached="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [[ ! -s "$cached" ]] && ! curl -fsS --max-time 15 -o /dev/null "https://ci-files.testing.ansible.com/ansible-test/get-pip-${pip_version}.py"; then
    echo "ansible-test: its pip bootstrap host is unreachable; using the ensurepip stand-in"
    mkdir -p "$(dirname "$cached")"
    cp "$root/scripts/get_pip_standin.py" "$cached"
fi

cd "$tree"
echo "ansible-test: sanity (Python $python_version)"
"$bin/ansible-test" sanity --python "$python_version" --local
echo "ansible-test: units (Python $python_version)"
"$bin/ansible-test" units --python "$python_version" --venv --requirements
