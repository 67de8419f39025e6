import sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ['ADDOK_CONFIG_MODULE'] = os.path.join(HERE, 'addok.conf')
os.environ['REDIS_PORT'] = '6399'
from addok.config import config, Config
config.plugins.remove('addok.http.base')
from addok import hooks
import addok_fr
hooks.register(addok_fr)
Config.TESTING = True
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    config.load()
