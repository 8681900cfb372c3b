package awssim

// IAM is global: one endpoint, every action acts on the caller's account.
// Handlers validate their parameters first (ValidationError, as IAM does
// before anything else), then authorize, then look at state.

func (s *Server) iamActions() map[string]handler {
	return map[string]handler{
		"CreateUser":      iamCreateUser,
		"GetUser":         iamGetUser,
		"ListUsers":       iamListUsers,
		"DeleteUser":      iamDeleteUser,
		"TagUser":         iamTagUser,
		"UntagUser":       iamUntagUser,
		"ListUserTags":    iamListUserTags,
		"CreateAccessKey": iamCreateAccessKey,
		"ListAccessKeys":  iamListAccessKeys,
		"UpdateAccessKey": iamUpdateAccessKey,
		"DeleteAccessKey": iamDeleteAccessKey,

		"CreateRole":             iamCreateRole,
		"GetRole":                iamGetRole,
		"ListRoles":              iamListRoles,
		"DeleteRole":             iamDeleteRole,
		"UpdateAssumeRolePolicy": iamUpdateAssumeRolePolicy,
		"UpdateRole":             iamUpdateRole,
		"TagRole":                iamTagRole,
		"UntagRole":              iamUntagRole,
		"ListRoleTags":           iamListRoleTags,

		"CreatePolicy":            iamCreatePolicy,
		"GetPolicy":               iamGetPolicy,
		"GetPolicyVersion":        iamGetPolicyVersion,
		"ListPolicies":            iamListPolicies,
		"CreatePolicyVersion":     iamCreatePolicyVersion,
		"ListPolicyVersions":      iamListPolicyVersions,
		"DeletePolicyVersion":     iamDeletePolicyVersion,
		"SetDefaultPolicyVersion": iamSetDefaultPolicyVersion,
		"DeletePolicy":            iamDeletePolicy,

		"AttachRolePolicy":         iamAttachRolePolicy,
		"DetachRolePolicy":         iamDetachRolePolicy,
		"ListAttachedRolePolicies": iamListAttachedRolePolicies,
		"AttachUserPolicy":         iamAttachUserPolicy,
		"DetachUserPolicy":         iamDetachUserPolicy,
		"ListAttachedUserPolicies": iamListAttachedUserPolicies,
		"PutRolePolicy":            iamPutRolePolicy,
		"GetRolePolicy":            iamGetRolePolicy,
		"ListRolePolicies":         iamListRolePolicies,
		"DeleteRolePolicy":         iamDeleteRolePolicy,
		"PutUserPolicy":            iamPutUserPolicy,
		"GetUserPolicy":            iamGetUserPolicy,
		"ListUserPolicies":         iamListUserPolicies,
		"DeleteUserPolicy":         iamDeleteUserPolicy,

		"CreateInstanceProfile":         iamCreateInstanceProfile,
		"GetInstanceProfile":            iamGetInstanceProfile,
		"ListInstanceProfiles":          iamListInstanceProfiles,
		"ListInstanceProfilesForRole":   iamListInstanceProfilesForRole,
		"AddRoleToInstanceProfile":      iamAddRoleToInstanceProfile,
		"RemoveRoleFromInstanceProfile": iamRemoveRoleFromInstanceProfile,
		"DeleteInstanceProfile":         iamDeleteInstanceProfile,

		"CreateVirtualMFADevice": iamCreateVirtualMFADevice,
		"EnableMFADevice":        iamEnableMFADevice,
		"ListMFADevices":         iamListMFADevices,

		"SimulatePrincipalPolicy": iamSimulatePrincipalPolicy,
	}
}
