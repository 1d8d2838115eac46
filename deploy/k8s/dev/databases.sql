-- DEV ONLY: the in-cluster PostgreSQL's first start makes the other two databases (core is POSTGRES_DB).
CREATE DATABASE integration;
CREATE DATABASE bot_gateway;
