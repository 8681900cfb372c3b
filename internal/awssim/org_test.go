package awssim

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

const orgWorld = `
organization:
  id: o-abcdef1234
  management_account: "900000000000"
  organizational_units:
    - name: Workloads
      children:
        - name: Prod
        - name: Dev
    - name: Security
accounts:
  - id: "900000000000"
    name: management
    email: root@example.org
    users:
      - name: admin
        access_key_id: AKIAORGMGMT000000001
        secret_access_key: orgmgmtorgmgmtorgmgmtorgmgmtorgmgmtorgm1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
      - name: nobody
        access_key_id: AKIAORGMGMT000000002
        secret_access_key: orgmgmtorgmgmtorgmgmtorgmgmtorgmgmtorgm2
  - id: "900000000001"
    name: prod-app
    ou: Workloads/Prod
    tags: {cost-center: "42", env: prod}
    users:
      - name: admin
        access_key_id: AKIAORGPROD000000001
        secret_access_key: orgprodorgprodorgprodorgprodorgprodorgpr1
        managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess]
  - id: "900000000002"
    name: dev-app
    ou: Workloads/Dev
  - id: "900000000003"
    name: old
    ou: Security
    status: SUSPENDED
  - id: "900000000004"
    name: audit
    ou: Security
`

func orgClient(t *testing.T, ts *testSim, key, secret string) *organizations.Client {
	return organizations.NewFromConfig(ts.cfg(t, "us-east-1", key, secret, ""))
}

func TestOrgListAccountsPaged(t *testing.T) {
	ts := startSim(t, orgWorld, Options{})
	ctx := context.Background()
	org := orgClient(t, ts, "AKIAORGMGMT000000001", "orgmgmtorgmgmtorgmgmtorgmgmtorgmgmtorgm1")

	var all []orgtypes.Account
	var token *string
	pages := 0
	for {
		out, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.Accounts...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if pages != 3 || len(all) != 5 {
		t.Fatalf("pages=%d accounts=%d", pages, len(all))
	}
	a := all[3]
	if aws.ToString(a.Id) != "900000000003" || a.Status != orgtypes.AccountStatusSuspended ||
		aws.ToString(a.Arn) != "arn:aws:organizations::900000000000:account/o-abcdef1234/900000000003" || a.JoinedTimestamp == nil || a.JoinedMethod == "" {
		t.Errorf("suspended account = %+v", a)
	}
	if _, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)}); apiCode(err) != "InvalidInputException" {
		t.Errorf("MaxResults 21: %v", err)
	}
	if _, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("nope")}); apiCode(err) != "InvalidInputException" {
		t.Errorf("bad token: %v", err)
	}

	d, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || aws.ToString(d.Organization.Id) != "o-abcdef1234" || aws.ToString(d.Organization.MasterAccountEmail) != "root@example.org" || d.Organization.FeatureSet != orgtypes.OrganizationFeatureSetAll {
		t.Errorf("DescribeOrganization = %+v, %v", d, err)
	}
	acct, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("900000000001")})
	if err != nil || aws.ToString(acct.Account.Name) != "prod-app" {
		t.Errorf("DescribeAccount = %+v, %v", acct, err)
	}
	if _, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("123456789012")}); apiCode(err) != "AccountNotFoundException" {
		t.Errorf("unknown account: %v", err)
	}
	if _, err := org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("abc")}); apiCode(err) != "InvalidInputException" {
		t.Errorf("bad account ID: %v", err)
	}
}

func TestOrgTree(t *testing.T) {
	ts := startSim(t, orgWorld, Options{})
	ctx := context.Background()
	org := orgClient(t, ts, "AKIAORGMGMT000000001", "orgmgmtorgmgmtorgmgmtorgmgmtorgmgmtorgm1")

	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 {
		t.Fatalf("ListRoots: %v", err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	top, err := org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(root)})
	if err != nil || len(top.OrganizationalUnits) != 2 || aws.ToString(top.OrganizationalUnits[1].Name) != "Workloads" {
		t.Fatalf("top OUs = %+v, %v", top, err)
	}
	workloads := aws.ToString(top.OrganizationalUnits[1].Id)
	kids, err := org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(workloads)})
	if err != nil || len(kids.OrganizationalUnits) != 2 {
		t.Fatalf("Workloads OUs = %+v, %v", kids, err)
	}
	var prod string
	for _, ou := range kids.OrganizationalUnits {
		if aws.ToString(ou.Name) == "Prod" {
			prod = aws.ToString(ou.Id)
		}
	}

	p, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("900000000001")})
	if err != nil || len(p.Parents) != 1 || aws.ToString(p.Parents[0].Id) != prod || p.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Errorf("parents of prod-app = %+v, %v", p, err)
	}
	p, err = org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(prod)})
	if err != nil || aws.ToString(p.Parents[0].Id) != workloads {
		t.Errorf("parents of Prod = %+v, %v", p, err)
	}
	p, err = org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(workloads)})
	if err != nil || aws.ToString(p.Parents[0].Id) != root || p.Parents[0].Type != orgtypes.ParentTypeRoot {
		t.Errorf("parents of Workloads = %+v, %v", p, err)
	}
	p, err = org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("900000000000")})
	if err != nil || aws.ToString(p.Parents[0].Id) != root {
		t.Errorf("parents of management = %+v, %v", p, err)
	}
	if _, err := org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("123456789012")}); apiCode(err) != "ChildNotFoundException" {
		t.Errorf("unknown child: %v", err)
	}
	if _, err := org.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("ou-zzzz-zzzzzzzz")}); apiCode(err) != "ParentNotFoundException" {
		t.Errorf("unknown parent: %v", err)
	}
	accts, err := org.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: aws.String(prod)})
	if err != nil || len(accts.Accounts) != 1 || aws.ToString(accts.Accounts[0].Id) != "900000000001" {
		t.Errorf("accounts in Prod = %+v, %v", accts, err)
	}
	ch, err := org.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: aws.String(workloads), ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(ch.Children) != 2 {
		t.Errorf("children of Workloads = %+v, %v", ch, err)
	}
	ou, err := org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(prod)})
	if err != nil || aws.ToString(ou.OrganizationalUnit.Name) != "Prod" || !strings.HasPrefix(aws.ToString(ou.OrganizationalUnit.Arn), "arn:aws:organizations::900000000000:ou/o-abcdef1234/ou-") {
		t.Errorf("DescribeOrganizationalUnit = %+v, %v", ou, err)
	}

	tags, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("900000000001")})
	if err != nil || len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Key) != "cost-center" || aws.ToString(tags.Tags[0].Value) != "42" {
		t.Errorf("tags = %+v, %v", tags, err)
	}
	if _, err := org.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("123456789012")}); apiCode(err) != "TargetNotFoundException" {
		t.Errorf("tags of unknown account: %v", err)
	}
}

func TestOrgRefusals(t *testing.T) {
	ts := startSim(t, orgWorld, Options{})
	ctx := context.Background()
	member := orgClient(t, ts, "AKIAORGPROD000000001", "orgprodorgprodorgprodorgprodorgprodorgpr1")
	_, err := member.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if apiCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "You don't have permissions to access this resource.") {
		t.Errorf("member ListAccounts: %v", err)
	}
	// Members may see the organization they belong to.
	if d, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(d.Organization.MasterAccountId) != "900000000000" {
		t.Errorf("member DescribeOrganization: %v", err)
	}
	nobody := orgClient(t, ts, "AKIAORGMGMT000000002", "orgmgmtorgmgmtorgmgmtorgmgmtorgmgmtorgm2")
	if _, err := nobody.ListAccounts(ctx, &organizations.ListAccountsInput{}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("management user without policy: %v", err)
	}

	solo := startSim(t, secretsWorld, Options{})
	c := orgClient(t, solo, "AKIASECRETSDEV000001", "secretsdevsecretsdevsecretsdevsecretsdv1")
	if _, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); apiCode(err) != "AWSOrganizationsNotInUseException" {
		t.Errorf("no organization: %v", err)
	}
}
