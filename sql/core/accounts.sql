-- core.accounts: RS-BAS accounts of the ledger and which count as hired staff and as personnel cost.
SELECT account, account_name, account_class, hired_staff::BOOLEAN AS hired_staff, personnel::BOOLEAN AS personnel
FROM read_csv('{reference}/accounts.csv', header = true, all_varchar = true)
