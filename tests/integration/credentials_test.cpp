// Credentials: issued logins work over TCP with SCRAM, carry exactly the
// privileges of their groups, renew from their own session, and disappear
// cleanly (sessions, role, owned objects) when revoked.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace dynsec::test;

namespace
{

struct Issued {
    std::string lease_id;
    std::string username;
    std::string password;
    std::string expires_at;
};

// Double-quotes an identifier (issued usernames contain '-').
std::string ident(const std::string &name)
{
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

class Credentials : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        cluster_ = &shared_cluster();
        admin_ = std::make_unique<Connection>(cluster_->admin_conninfo());
        ASSERT_TRUE(admin_->ok()) << admin_->error();
        admin_->exec("SET client_min_messages = warning"); // quiet DROP ROLE IF EXISTS
        db_ = unique_name("cred_db");
        QueryResult created = admin_->exec("CREATE DATABASE " + db_);
        ASSERT_TRUE(created.ok) << created.error;
        db_created_ = true;
        db_admin_ = std::make_unique<Connection>(cluster_->admin_conninfo(db_));
        ASSERT_TRUE(db_admin_->ok()) << db_admin_->error();
        QueryResult ext = db_admin_->exec("CREATE EXTENSION dynsec");
        ASSERT_TRUE(ext.ok) << ext.error;
    }

    void TearDown() override
    {
        db_admin_.reset();
        if (!admin_ || !admin_->ok())
            return;
        if (db_created_) {
            QueryResult r = admin_->exec("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
            EXPECT_TRUE(r.ok) << r.error;
        }
        // Issued logins first (members of the groups), then the roles we made.
        for (auto it = issued_.rbegin(); it != issued_.rend(); ++it)
            admin_->exec("DROP ROLE IF EXISTS " + ident(*it));
        for (auto it = roles_.rbegin(); it != roles_.rend(); ++it) {
            QueryResult r = admin_->exec("DROP ROLE IF EXISTS " + ident(*it));
            EXPECT_TRUE(r.ok) << r.error;
        }
    }

    // Unique within this process; the shared cluster belongs to this process.
    static std::string unique_name(const std::string &prefix)
    {
        static int counter = 0;
        return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    }

    // Creates a cluster-wide role (dropped in TearDown) and returns its name.
    std::string create_role(const std::string &prefix, const std::string &options = "NOLOGIN")
    {
        std::string name = unique_name(prefix);
        QueryResult r = admin_->exec("CREATE ROLE " + ident(name) + " " + options);
        EXPECT_TRUE(r.ok) << r.error;
        roles_.push_back(name);
        return name;
    }

    // Runs sql on the test database as the superuser, failing the test if it fails.
    void admin_exec(const std::string &sql, const std::vector<std::string> &params = {})
    {
        QueryResult r = db_admin_->exec(sql, params);
        EXPECT_TRUE(r.ok) << sql << ": " << r.error;
    }

    QueryResult try_issue(Connection &conn, const std::string &role)
    {
        QueryResult r = conn.exec(
            "SELECT lease_id, username, password, expires_at FROM dynsec.issue($1)", {role});
        if (r.ok && !r.rows.empty())
            issued_.push_back(r.value(0, 1));
        return r;
    }

    // Issues a credential; a failure fails the test and returns empty fields.
    Issued issue(Connection &conn, const std::string &role)
    {
        QueryResult r = try_issue(conn, role);
        EXPECT_TRUE(r.ok) << "dynsec.issue('" << role << "'): " << r.error;
        EXPECT_EQ(r.rows.size(), 1u);
        if (!r.ok || r.rows.size() != 1)
            return {};
        return {r.value(0, 0), r.value(0, 1), r.value(0, 2), r.value(0, 3)};
    }

    std::unique_ptr<Connection> login(const Issued &cred)
    {
        return std::make_unique<Connection>(
            cluster_->tcp_conninfo(cred.username, cred.password, db_));
    }

    std::string role_count(const std::string &name)
    {
        return admin_->scalar("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1",
                              {name});
    }

    Cluster *cluster_ = nullptr;
    std::unique_ptr<Connection> admin_;    // superuser, database postgres
    std::unique_ptr<Connection> db_admin_; // superuser, the test's database
    std::string db_;
    bool db_created_ = false;
    std::vector<std::string> roles_;
    std::vector<std::string> issued_;
};

TEST_F(Credentials, IssuedCredentialLogsInOverTcpWithScram)
{
    admin_exec("SELECT dynsec.define_role(name => 'plain')");
    Issued cred = issue(*db_admin_, "plain");
    ASSERT_FALSE(cred.username.empty());
    ASSERT_FALSE(cred.password.empty());
    EXPECT_EQ(role_count(cred.username), "1");

    auto conn = login(cred);
    ASSERT_TRUE(conn->ok()) << conn->error();
    EXPECT_EQ(conn->scalar("SELECT current_user"), cred.username);
    EXPECT_EQ(conn->scalar("SELECT session_user"), cred.username);
    // The connection really went over TCP (host auth line with SCRAM).
    EXPECT_EQ(conn->scalar("SELECT inet_client_addr() IS NOT NULL"), "t");
    EXPECT_EQ(db_admin_->scalar("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid "
                                "WHERE rolname = $1",
                                {cred.username}),
              "t");

    Connection wrong(cluster_->tcp_conninfo(cred.username, cred.password + "x", db_));
    EXPECT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().find("password authentication failed"), std::string::npos)
        << wrong.error();
}

TEST_F(Credentials, ReadOnlyRoleCanSelectButNotDelete)
{
    std::string readers = create_role("cred_readers");
    admin_exec("CREATE TABLE users (id int PRIMARY KEY, name text)");
    admin_exec("INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')");
    admin_exec("GRANT SELECT ON users TO " + ident(readers));
    admin_exec("SELECT dynsec.define_role(name => 'reader', member_of => ARRAY[$1]::name[])",
               {readers});

    Issued cred = issue(*db_admin_, "reader");
    ASSERT_FALSE(cred.username.empty());
    EXPECT_EQ(db_admin_->scalar("SELECT pg_has_role($1, $2, 'MEMBER')", {cred.username, readers}),
              "t");

    auto conn = login(cred);
    ASSERT_TRUE(conn->ok()) << conn->error();
    QueryResult count = conn->exec("SELECT count(*) FROM users");
    ASSERT_TRUE(count.ok) << count.error;
    EXPECT_EQ(count.value(), "3");

    QueryResult del = conn->exec("DELETE FROM users");
    EXPECT_FALSE(del.ok);
    EXPECT_EQ(del.sqlstate, "42501") << del.error;
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM users"), "3");
}

TEST_F(Credentials, RenewFromIssuedSession)
{
    admin_exec("SELECT dynsec.define_role(name => 'renewable', default_ttl => '10 min', "
               "max_ttl => '1 hour')");
    Issued cred = issue(*db_admin_, "renewable");
    ASSERT_FALSE(cred.lease_id.empty());

    QueryResult before = db_admin_->exec(
        "SELECT expires_at, renew_count, max_expires_at > expires_at FROM dynsec.leases "
        "WHERE lease_id = $1",
        {cred.lease_id});
    ASSERT_TRUE(before.ok) << before.error;
    ASSERT_EQ(before.rows.size(), 1u);
    const std::string old_expiry = before.value(0, 0);
    EXPECT_EQ(before.value(0, 1), "0");
    EXPECT_EQ(before.value(0, 2), "t"); // renewable: the cap is beyond the first expiry

    auto conn = login(cred);
    ASSERT_TRUE(conn->ok()) << conn->error();
    QueryResult renewed = conn->exec("SELECT dynsec.renew()");
    ASSERT_TRUE(renewed.ok) << renewed.error;
    ASSERT_EQ(renewed.rows.size(), 1u);
    const std::string new_expiry = renewed.value();
    ASSERT_NE(new_expiry, "<NULL>");

    QueryResult after = db_admin_->exec(
        "SELECT expires_at > $2::timestamptz, expires_at = $3::timestamptz, renew_count, "
        "       expires_at <= max_expires_at "
        "  FROM dynsec.leases WHERE lease_id = $1",
        {cred.lease_id, old_expiry, new_expiry});
    ASSERT_TRUE(after.ok) << after.error;
    ASSERT_EQ(after.rows.size(), 1u);
    EXPECT_EQ(after.value(0, 0), "t") << "expires_at did not move past " << old_expiry;
    EXPECT_EQ(after.value(0, 1), "t") << "renew() returned " << new_expiry;
    EXPECT_EQ(after.value(0, 2), "1");
    EXPECT_EQ(after.value(0, 3), "t");

    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM dynsec.audit_log WHERE event = 'renew' "
                                "AND lease_id = $1 AND username = $2 AND session_user_name = $2",
                                {cred.lease_id, cred.username}),
              "1");
}

TEST_F(Credentials, RevokeTerminatesOpenSessionAndDropsRole)
{
    admin_exec("SELECT dynsec.define_role(name => 'revocable')");
    Issued cred = issue(*db_admin_, "revocable");
    ASSERT_FALSE(cred.lease_id.empty());

    auto conn = login(cred);
    ASSERT_TRUE(conn->ok()) << conn->error();
    ASSERT_TRUE(conn->alive());

    QueryResult revoked = db_admin_->exec("SELECT dynsec.revoke($1)", {cred.lease_id});
    ASSERT_TRUE(revoked.ok) << revoked.error;
    EXPECT_EQ(revoked.value(), "t");

    EXPECT_TRUE(eventually([&] { return !conn->alive(); })) << "issued session still alive";
    EXPECT_EQ(role_count(cred.username), "0");
    EXPECT_EQ(
        db_admin_->scalar("SELECT count(*) FROM dynsec.lease WHERE lease_id = $1", {cred.lease_id}),
        "0");
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM dynsec.audit_log WHERE event = 'revoke' "
                                "AND lease_id = $1",
                                {cred.lease_id}),
              "1");

    Connection again(cluster_->tcp_conninfo(cred.username, cred.password, db_));
    EXPECT_FALSE(again.ok());
}

TEST_F(Credentials, LoginThatOwnsATableIsRevokedCleanly)
{
    std::string creators = create_role("cred_creators");
    admin_exec("GRANT CREATE ON SCHEMA public TO " + ident(creators));
    admin_exec("SELECT dynsec.define_role(name => 'creator', member_of => ARRAY[$1]::name[])",
               {creators});
    Issued cred = issue(*db_admin_, "creator");
    ASSERT_FALSE(cred.lease_id.empty());

    {
        auto conn = login(cred);
        ASSERT_TRUE(conn->ok()) << conn->error();
        QueryResult created = conn->exec("CREATE TABLE login_owned (id int)");
        ASSERT_TRUE(created.ok) << created.error;
        QueryResult inserted = conn->exec("INSERT INTO login_owned VALUES (1), (2)");
        ASSERT_TRUE(inserted.ok) << inserted.error;
    }
    EXPECT_EQ(db_admin_->scalar("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                                "AND tablename = 'login_owned'"),
              cred.username);

    QueryResult revoked = db_admin_->exec("SELECT dynsec.revoke($1)", {cred.lease_id});
    ASSERT_TRUE(revoked.ok) << revoked.error;
    EXPECT_EQ(revoked.value(), "t");
    EXPECT_EQ(role_count(cred.username), "0");

    const std::string ext_owner = db_admin_->scalar(
        "SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'dynsec'");
    EXPECT_EQ(ext_owner, "postgres");
    QueryResult table = db_admin_->exec("SELECT tableowner FROM pg_tables WHERE schemaname = "
                                        "'public' AND tablename = 'login_owned'");
    ASSERT_TRUE(table.ok) << table.error;
    ASSERT_EQ(table.rows.size(), 1u) << "the login's table was dropped";
    EXPECT_EQ(table.value(), ext_owner);
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM login_owned"), "2");
}

TEST_F(Credentials, IssueRolledBackLeavesNothing)
{
    admin_exec("SELECT dynsec.define_role(name => 'ephemeral')");
    admin_exec("BEGIN");
    QueryResult r = try_issue(*db_admin_, "ephemeral");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.rows.size(), 1u);
    const std::string lease_id = r.value(0, 0), username = r.value(0, 1);
    // Inside the transaction the login and its records exist.
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1", {username}),
              "1");
    EXPECT_EQ(
        db_admin_->scalar("SELECT count(*) FROM dynsec.lease WHERE lease_id = $1", {lease_id}),
        "1");
    admin_exec("ROLLBACK");

    EXPECT_EQ(role_count(username), "0");
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM dynsec.lease WHERE lease_id = $1 OR "
                                "username = $2",
                                {lease_id, username}),
              "0");
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM dynsec.audit_log WHERE lease_id = $1 OR "
                                "username = $2",
                                {lease_id, username}),
              "0");
}

TEST_F(Credentials, NonIssuerCannotIssue)
{
    const std::string app_password = "app-pass-4f9c2e71";
    std::string app = create_role("cred_app", "LOGIN PASSWORD '" + app_password + "'");
    std::string other = create_role("cred_issuers");
    admin_exec("SELECT dynsec.define_role(name => 'guarded', issuers => ARRAY[$1]::name[])",
               {other});

    Connection app_conn(cluster_->tcp_conninfo(app, app_password, db_));
    ASSERT_TRUE(app_conn.ok()) << app_conn.error();
    QueryResult denied = try_issue(app_conn, "guarded");
    EXPECT_FALSE(denied.ok);
    EXPECT_EQ(denied.sqlstate, "42501") << denied.error;
    EXPECT_EQ(db_admin_->scalar("SELECT count(*) FROM dynsec.lease WHERE role = 'guarded'"), "0");

    admin_exec("SELECT dynsec.define_role(name => 'guarded', issuers => ARRAY[$1, $2]::name[])",
               {other, app});
    Issued cred = issue(app_conn, "guarded");
    ASSERT_FALSE(cred.username.empty());
    EXPECT_EQ(db_admin_->scalar("SELECT issued_by FROM dynsec.lease WHERE lease_id = $1",
                                {cred.lease_id}),
              app);

    auto conn = login(cred);
    ASSERT_TRUE(conn->ok()) << conn->error();
    EXPECT_EQ(conn->scalar("SELECT current_user"), cred.username);
}

} // namespace

TEST(CredentialsSelfRevoke, LoginRevokingItsOwnLeaseIsCutOffAndReaped)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    const std::string db = unique_name("selfrevoke_db"), grp = unique_name("selfrevoke_grp");
    ASSERT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE " + grp).ok);
    Connection d(c.admin_conninfo(db));
    ASSERT_TRUE(d.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(
        d.exec("SELECT dynsec.define_role('ro', member_of => ARRAY[$1]::name[])", {grp}).ok);
    QueryResult r = d.exec("SELECT lease_id, username, password FROM dynsec.issue('ro')");
    ASSERT_TRUE(r.ok) << r.error;
    Connection self(c.tcp_conninfo(r.value(0, 1), r.value(0, 2), db));
    ASSERT_TRUE(self.ok()) << self.error();
    QueryResult revoked = self.exec("SELECT dynsec.revoke($1)", {r.value(0, 0)});
    ASSERT_TRUE(revoked.ok) << revoked.error;
    EXPECT_EQ(revoked.value(), "t");
    Connection again(c.tcp_conninfo(r.value(0, 1), r.value(0, 2), db));
    EXPECT_FALSE(again.ok());
    EXPECT_TRUE(eventually([&] { return !self.alive(); }));
    EXPECT_TRUE(eventually([&] {
        return d.scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1", {r.value(0, 1)}) == "0";
    }));
    admin.exec("DROP DATABASE " + db + " WITH (FORCE)");
    admin.exec("DROP ROLE " + grp);
}
