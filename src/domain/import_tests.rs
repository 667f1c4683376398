use super::*;
use trato_protocol::{Meta, Stage};

fn meta(id: &str) -> Meta {
    Meta { id: id.into(), version: 1, created_at: String::new(), updated_at: String::new() }
}

fn known() -> Known {
    let account = Account {
        meta: meta("acc_1"),
        name: "Bodegas Sol, S.L.".into(),
        industry: None,
        website: None,
        phone: Some("+34 956 111 222".into()),
        city: None,
        owner_id: None,
    };
    let contact = Contact {
        meta: meta("con_1"),
        first_name: "Ana".into(),
        last_name: "Ruiz".into(),
        email: Some("ana@sol.example".into()),
        phone: None,
        title: None,
        account_id: Some("acc_1".into()),
        owner_id: None,
    };
    let stage = |id: &str, name: &str, kind| Stage {
        id: id.into(),
        name: name.into(),
        probability: 10,
        kind,
        rotting_days: None,
    };
    let pipeline = Pipeline {
        meta: meta("pip"),
        name: "Ventas".into(),
        stages: vec![stage("s1", "Prospección", StageKind::Open), stage("s2", "Propuesta", StageKind::Open)],
    };
    Known::new(&[account], &[contact], &[], Some(&pipeline), "EUR")
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn columns_are_guessed_from_spanish_or_english_headers() {
    let headers = row(&["Razón social", "Población", "Teléfono", "Sector", "Notas"]);
    assert_eq!(
        guess_mapping(ImportKind::Accounts, &headers),
        [Some("name"), Some("city"), Some("phone"), Some("industry"), None]
    );
    let headers = row(&["Nombre", "Apellidos", "E-mail", "Empresa", "Cargo"]);
    assert_eq!(
        guess_mapping(ImportKind::Contacts, &headers),
        [Some("first_name"), Some("last_name"), Some("email"), Some("account"), Some("title")]
    );
    let headers = row(&["Trato", "Importe", "Fase", "Fecha de cierre", "Cliente", "Nombre"]);
    assert_eq!(
        guess_mapping(ImportKind::Deals, &headers),
        [Some("name"), Some("amount"), Some("stage"), Some("expected_close"), Some("account"), None],
        "a field is taken by its first column only"
    );
}

#[test]
fn a_row_is_checked_by_the_backend_rules_and_becomes_a_create_an_update_or_a_skip() {
    let known = known();
    let mapping = [Some("name"), Some("city"), Some("phone")];
    let plan = |cells: &[&str], dup| plan_row(ImportKind::Accounts, &mapping, &row(cells), &known, dup);
    assert_eq!(
        plan(&["Hotel Mar", "Cádiz", ""], OnDuplicate::Update),
        Ok(Planned::Create(json!({"name": "Hotel Mar", "city": "Cádiz"})))
    );
    assert_eq!(
        plan(&["BODEGAS SOL SA", "Jerez", ""], OnDuplicate::Update),
        Ok(Planned::Update("acc_1".into(), json!({"name": "BODEGAS SOL SA", "city": "Jerez"}))),
        "the same company under another legal form is the existing one"
    );
    assert_eq!(plan(&["Otro", "", "956 111 222"], OnDuplicate::Skip), Ok(Planned::Skip("acc_1".into())), "same phone");
    let refused = plan(&["", "Cádiz", ""], OnDuplicate::Update).unwrap_err();
    assert_eq!(refused[0].0, "name");
    let too_long = "x".repeat(201);
    assert!(plan(&[&too_long, "", ""], OnDuplicate::Update).is_err());
}

#[test]
fn contacts_refer_to_accounts_by_name_and_deals_read_spanish_numbers_dates_and_stages() {
    let known = known();
    let mapping = [Some("first_name"), Some("last_name"), Some("email"), Some("account")];
    let contact = plan_row(
        ImportKind::Contacts,
        &mapping,
        &row(&["Luis", "Gil", "luis@sol.example", "Bodegas Sol"]),
        &known,
        OnDuplicate::Update,
    );
    assert_eq!(
        contact,
        Ok(Planned::Create(
            json!({"first_name": "Luis", "last_name": "Gil", "email": "luis@sol.example", "account_id": "acc_1"})
        ))
    );
    let unknown =
        plan_row(ImportKind::Contacts, &mapping, &row(&["Eva", "", "", "Nadie S.A."]), &known, OnDuplicate::Update);
    assert_eq!(unknown.unwrap_err()[0].0, "account");
    let bad_email =
        plan_row(ImportKind::Contacts, &mapping, &row(&["Eva", "", "no es correo", ""]), &known, OnDuplicate::Update);
    assert_eq!(bad_email.unwrap_err()[0].0, "email");
    let same = plan_row(
        ImportKind::Contacts,
        &mapping,
        &row(&["Ana", "R.", "ANA@sol.example", ""]),
        &known,
        OnDuplicate::Skip,
    );
    assert_eq!(same, Ok(Planned::Skip("con_1".into())));

    let mapping = [Some("name"), Some("amount"), Some("stage"), Some("expected_close"), Some("account")];
    let deal = plan_row(
        ImportKind::Deals,
        &mapping,
        &row(&["Aceite", "1.250,50", "propuesta", "04/03/2027", "Bodegas Sol"]),
        &known,
        OnDuplicate::Update,
    );
    assert_eq!(
        deal,
        Ok(Planned::Create(json!({
            "name": "Aceite", "amount": {"minor": 125050, "currency": "EUR"}, "stage_id": "s2",
            "expected_close": "2027-03-04", "pipeline_id": "pip", "account_id": "acc_1"
        })))
    );
    let wrong = plan_row(
        ImportKind::Deals,
        &mapping,
        &row(&["Aceite", "mucho", "Ganado", "31/02/2027", ""]),
        &known,
        OnDuplicate::Update,
    );
    let fields: Vec<String> = wrong.unwrap_err().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["amount", "expected_close", "stage"]);
    let first_stage = plan_row(ImportKind::Deals, &[Some("name")], &row(&["Solo nombre"]), &known, OnDuplicate::Update);
    assert!(matches!(first_stage, Ok(Planned::Create(v)) if v["stage_id"] == "s1" && v["amount"]["minor"] == 0));
}

#[test]
fn refused_rows_come_back_as_a_file_to_fix_and_cells_exported_as_text_read_back() {
    let file = refused_file(&row(&["Nombre", "Teléfono"]), &[(row(&["", "+34 600"]), "Nombre: obligatorio".into())]);
    assert_eq!(file, "\u{feff}Nombre;Teléfono;Error\r\n;'+34 600;Nombre: obligatorio\r\n");
    let known = known();
    let planned = plan_row(
        ImportKind::Accounts,
        &[Some("name"), Some("phone")],
        &row(&["Nuevo", "'+34 600 000 001"]),
        &known,
        OnDuplicate::Update,
    );
    assert_eq!(planned, Ok(Planned::Create(json!({"name": "Nuevo", "phone": "+34 600 000 001"}))));
}

#[test]
fn a_record_created_earlier_in_the_file_is_known_to_later_rows() {
    let mut known = known();
    known.learn(ImportKind::Accounts, "tmp-1", &json!({"name": "Hotel Nuevo"}));
    let contact = plan_row(
        ImportKind::Contacts,
        &[Some("first_name"), Some("account")],
        &row(&["Eva", "hotel nuevo"]),
        &known,
        OnDuplicate::Update,
    );
    assert!(matches!(contact, Ok(Planned::Create(v)) if v["account_id"] == "tmp-1"));
}
