"""Seeds a fresh Tryton database for Trato's tests, through Tryton's own JSON-RPC API (the one Trato uses).

Usage: seed.py <rpc url> <admin password>. Creates the euro, a company with the admin as its employee, a rep who
signs in as `lucia` (password `trato-demo`, groups Sales and Sale Opportunity), a few customer parties with e-mail,
phone and (all but one) an address with a city, and opportunities in several states. Prints nothing on success;
fails loudly otherwise.
"""
import base64
import datetime
import json
import sys
import urllib.request

URL, ADMIN_PASSWORD = sys.argv[1], sys.argv[2]
REP_LOGIN, REP_PASSWORD = 'lucia', 'trato-demo'
auth = None


def call(method, *params):
    body = json.dumps({'id': 1, 'method': method, 'params': list(params)}).encode()
    request = urllib.request.Request(URL, data=body, headers={
        'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'})
    if auth:
        request.add_header('Authorization', auth)
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    if answer.get('error'):
        raise SystemExit(f'{method}: {answer["error"]}')
    return answer['result']


def decimal(text):
    return {'__class__': 'Decimal', 'decimal': text}


def date(days_from_today):
    day = datetime.date.today() + datetime.timedelta(days=days_from_today)
    return {'__class__': 'date', 'year': day.year, 'month': day.month, 'day': day.day}


def model(name, method, *params):
    return call(f'model.{name}.{method}', *params, context)


user_id, token, _ = call('common.db.login', 'admin', {'password': ADMIN_PASSWORD})
auth = 'Session ' + base64.b64encode(f'admin:{user_id}:{token}'.encode()).decode()
context = {}

[euro] = model('currency.currency', 'create', [{
    'name': 'Euro', 'code': 'EUR', 'symbol': '€', 'numeric_code': '978', 'digits': 2,
    'rounding': decimal('0.01')}])
[company_party] = model('party.party', 'create', [{'name': 'Alameda Distribuciones S.L.'}])
[company] = model('company.company', 'create', [{'party': company_party, 'currency': euro}])
[admin_person] = model('party.party', 'create', [{'name': 'Administración'}])
[admin_employee] = model('company.employee', 'create', [{'party': admin_person, 'company': company}])
model('res.user', 'write', [user_id], {
    'companies': [['add', [company]]], 'company': company,
    'employees': [['add', [admin_employee]]], 'employee': admin_employee})
context = {'company': company, 'employee': admin_employee}

groups = model('res.group', 'search', [['name', 'in', ['Sales', 'Sale Opportunity', 'Party Administration']]],
               0, None, None)
[rep_person] = model('party.party', 'create', [{'name': 'Lucía Martín', 'contact_mechanisms': [
    ['create', [{'type': 'email', 'value': 'lucia@alameda.example'}]]]}])
[rep_employee] = model('company.employee', 'create', [{'party': rep_person, 'company': company}])
model('res.user', 'create', [{
    'name': 'Lucía Martín', 'login': REP_LOGIN, 'password': REP_PASSWORD, 'email': 'lucia@alameda.example',
    'groups': [['add', groups]], 'companies': [['add', [company]]], 'company': company,
    'employees': [['add', [rep_employee]]], 'employee': rep_employee}])

customers = [
    ('Ferretería Hermanos Gil', 'compras@hermanosgil.example', '+34 912 345 678', 'Madrid'),
    ('Panadería La Espiga', 'pedidos@laespiga.example', '+34 934 567 890', 'Barcelona'),
    ('Clínica Dental Sonrisas', 'admin@sonrisas.example', '+34 961 234 567', 'Valencia'),
    ('Hotel Mirador del Puerto', 'reservas@miradorpuerto.example', '+34 956 789 012', None),
]
parties = []
for name, email, phone, city in customers:
    [party] = model('party.party', 'create', [{'name': name, 'contact_mechanisms': [['create', [
        {'type': 'email', 'value': email}, {'type': 'phone', 'value': phone}]]],
        'addresses': [['create', [{'city': city}]]] if city else []}])
    parties.append(party)

opportunities = [
    ('Renovación de estanterías', parties[0], '12000.00', '0.2', 'lead'),
    ('Hornos para el obrador', parties[1], '8500.50', '0.5', 'opportunity'),
    ('Equipos de esterilización', parties[2], '23000.00', '0.6', 'opportunity'),
    ('Mobiliario de terraza', parties[3], '4300.00', '0.1', 'lead'),
    ('Cambio de proveedor de menaje', parties[3], '1500.00', '0.3', 'lost'),
]
for index, (description, party, amount, probability, state) in enumerate(opportunities):
    [opportunity] = model('sale.opportunity', 'create', [{
        'description': description, 'party': party, 'company': company, 'currency': euro,
        'employee': rep_employee, 'amount': decimal(amount), 'conversion_probability': decimal(probability),
        'start_date': date(-20 + index), 'end_date': date(30 + 7 * index)}])
    if state in ('opportunity', 'lost'):
        model('sale.opportunity', 'opportunity', [opportunity])
    if state == 'lost':
        model('sale.opportunity', 'lost', [opportunity])
